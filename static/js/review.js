// Review form: live total of the scores, and autosave of drafts (every 30 s when changed, and when a field is left).
// The server answers 409 when the review was saved from another tab: the message is shown and the form is kept.
// Pressing a button of the form ends autosaving: a save still on its way is awaited first, so the form
// carries the version that save produced instead of being refused as stale by its own autosave.
(function () {
  "use strict";
  var form = document.getElementById("review-form");
  if (!form) { return; }
  var total = document.getElementById("review-total");
  var status = document.getElementById("autosave-status");
  var scores = form.querySelectorAll("input.score");

  function updateTotal() {
    var sum = 0;
    scores.forEach(function (input) {
      var value = parseInt(input.value, 10);
      if (!isNaN(value)) { sum += value; }
    });
    if (total) { total.textContent = String(sum); }
  }
  scores.forEach(function (input) { input.addEventListener("input", updateTotal); });
  updateTotal();

  if (form.dataset.autosave !== "on" || !window.fetch) { return; }
  var dirty = false;
  var stopped = false;
  var saving = false;
  var pendingSubmitter = null;  // the button pressed while a save was on its way
  form.addEventListener("input", function () { dirty = true; });

  function show(message, kind) {
    if (!status) { return; }
    status.textContent = message;
    status.className = "autosave-status " + (kind === "error" ? "field-errors" : "meta");
  }

  function save() {
    if (!dirty || stopped || saving) { return; }
    saving = true;
    dirty = false;
    var data = new FormData(form);
    data.delete("action");
    var token = form.querySelector("input[name=csrf_token]");
    fetch(form.dataset.autosaveUrl, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-CSRF-Token": token ? token.value : "", "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (body) { return { status: response.status, body: body }; });
    }).then(function (result) {
      if (result.status === 200) {
        form.querySelector("input[name=version]").value = String(result.body.version);
        show(result.body.message, "ok");
      } else {
        // 409: saved elsewhere. Stop autosaving so this tab never overwrites the other; keep what is typed.
        if (result.status === 409) { stopped = true; }
        dirty = true;
        show(result.body.error, "error");
      }
    }).catch(function () {
      dirty = true;
    }).then(function () {
      saving = false;
      if (pendingSubmitter) {
        var button = pendingSubmitter;
        pendingSubmitter = null;
        form.requestSubmit(button);
      }
    });
  }

  form.addEventListener("focusout", function (event) {
    var next = event.relatedTarget;
    if (next && next.form === form && next.type === "submit") { return; }  // the form is being sent
    save();
  });
  form.addEventListener("submit", function (event) {
    stopped = true;
    if (saving) {
      event.preventDefault();
      pendingSubmitter = event.submitter || form.querySelector("button[type=submit]");
    }
  });
  window.setInterval(save, 30000);
})();
