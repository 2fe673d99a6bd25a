// The organizers' check-in overview (templates/checkin/overview.html): polls its JSON status every
// five seconds and rewrites the count, the list of who is missing by unit and the table of every
// day and session. Without this script
// the page shows the figures as they were when it was made.
(function () {
  "use strict";
  var live = document.getElementById("checkin-live");
  if (!live) { return; }
  var help = live.querySelector("[data-empty-text]");

  function show(status) {
    live.querySelector("[data-checked-in]").textContent = status.checked_in;
    live.querySelector("[data-expected]").textContent = status.expected;
    var missing = live.querySelector("[data-missing]");
    missing.textContent = "";
    if (!status.missing.length) {
      var empty = document.createElement("p");
      empty.className = "empty";
      empty.textContent = help.dataset.emptyText;
      missing.appendChild(empty);
    }
    status.missing.forEach(function (group) {
      var line = document.createElement("p");
      var unit = document.createElement("strong");
      unit.textContent = group.unit || help.dataset.noUnit;
      line.appendChild(unit);
      line.appendChild(document.createTextNode("（" + group.people.length + "）：" + group.people.join("、")));
      missing.appendChild(line);
    });
    var table = document.querySelector("[data-counts]");
    if (table && status.counts) {
      table.textContent = "";
      status.counts.forEach(function (row) {
        var tr = document.createElement("tr");
        var th = document.createElement("th");
        th.scope = "row";
        th.textContent = row.label + (row.title ? " " + row.title : "");
        var td = document.createElement("td");
        td.textContent = row.checked_in + " / " + row.expected;
        tr.appendChild(th);
        tr.appendChild(td);
        table.appendChild(tr);
      });
    }
  }

  function poll() {
    fetch(live.dataset.statusUrl, { headers: { Accept: "application/json" }, cache: "no-store", credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (status) { if (status) { show(status); } })
      .catch(function () { /* offline: try again at the next turn */ })
      .then(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 5000);
}());
