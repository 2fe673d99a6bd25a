// Agenda editor: drag and drop of slots within and between sessions (SortableJS, vendored).
// The new order goes to the server as JSON with the CSRF header; the server lays the sessions out
// again and the page reloads to show the new times. A 409 means someone else changed the agenda:
// the message is shown and nothing is saved. Without JavaScript the ↑ ↓ buttons and forms do the same.
(function () {
  "use strict";
  var editor = document.getElementById("agenda-editor");
  if (!editor || !window.Sortable || !window.fetch) { return; }
  var status = document.getElementById("agenda-status");
  var busy = false;

  function order(list) {
    return Array.prototype.map.call(list.querySelectorAll(":scope > li[data-key]"), function (item) {
      return item.dataset.key;
    });
  }

  function show(message) {
    if (status) { status.textContent = message; status.className = "flash flash-error"; }
  }

  function send(from, to) {
    if (busy) { return; }
    busy = true;
    var sessions = {};
    sessions[from.dataset.session] = order(from);
    sessions[to.dataset.session] = order(to);
    fetch(editor.dataset.arrangeUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": editor.dataset.csrf },
      body: JSON.stringify({ version: parseInt(editor.dataset.version, 10), sessions: sessions })
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (result) {
      if (result.ok) { window.location.reload(); return; }
      show(result.data.error || "Error");
      busy = false;
    }).catch(function () {
      show(editor.dataset.offline || "Network error");
      busy = false;
    });
  }

  document.querySelectorAll("ol.agenda-slots[data-session]").forEach(function (list) {
    window.Sortable.create(list, {
      group: "agenda",
      handle: ".drag-handle",
      animation: 120,
      onEnd: function (event) {
        if (event.from === event.to && event.oldIndex === event.newIndex) { return; }
        send(event.from, event.to);
      }
    });
  });
}());
