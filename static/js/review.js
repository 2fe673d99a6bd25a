// Review form: a score that is no valid score is marked in its row as it is typed and left out of the live
// total; drafts autosave (every 30 s when changed, and when a field is left), invalid scores included, and the
// server's answer marks (or unmarks) each field where it is (a text over its length limit is not saved).
// The server answers 409 when the review was saved from another tab: the message is shown and the form is kept.
// Pressing a button of the form ends autosaving: a save still on its way is awaited first, so the form
// carries the version that save produced instead of being refused as stale by its own autosave.
(function () {
  "use strict";
  var form = document.getElementById("review-form");
  if (!form) { return; }
  var total = document.getElementById("review-total");
  var totalNote = document.getElementById("review-total-note");
  var status = document.getElementById("autosave-status");
  var scores = form.querySelectorAll("input.score");

  // What is wrong with a score input, in the words the server uses (carried by the input), or null.
  function scoreProblem(input) {
    if (input.validity && input.validity.badInput) { return input.dataset.wholeMessage; }
    var text = input.value.trim();
    if (text === "") { return null; }
    if (!/^[+-]?\d+$/.test(text)) { return input.dataset.wholeMessage; }
    var value = parseInt(text, 10);
    if (value < Number(input.min) || value > Number(input.max)) { return input.dataset.rangeMessage; }
    return null;
  }

  // Mark a field where it is (its table row or its .field block), or take the mark away.
  function mark(control, message) {
    var box = control.closest("tr.score-row") || control.closest(".field");
    if (!box) { return; }
    var id = control.id + "-errors";
    var list = document.getElementById(id);
    if (!message) {
      box.classList.remove("has-error");
      control.removeAttribute("aria-invalid");
      if (control.getAttribute("aria-describedby") === id) { control.removeAttribute("aria-describedby"); }
      if (list) { list.remove(); }
      return;
    }
    box.classList.add("has-error");
    control.setAttribute("aria-invalid", "true");
    control.setAttribute("aria-describedby", id);
    if (!list) {
      list = document.createElement("ul");
      list.className = "field-errors";
      list.id = id;
      control.parentNode.appendChild(list);
    }
    list.replaceChildren();
    var item = document.createElement("li");
    item.textContent = message;
    list.appendChild(item);
  }

  function updateTotal() {
    var sum = 0;
    var invalid = false;
    scores.forEach(function (input) {
      var problem = scoreProblem(input);
      mark(input, problem);
      if (problem) { invalid = true; return; }
      var value = parseInt(input.value, 10);
      if (!isNaN(value)) { sum += value; }
    });
    if (total) { total.textContent = String(sum); }
    if (totalNote) { totalNote.hidden = !invalid; }
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

  // The server's marks for the text fields; scores are marked by the same rules here, as they are typed.
  function applyMarks(marks) {
    form.querySelectorAll("textarea[id]").forEach(function (control) {
      mark(control, marks[control.id] || null);
    });
    updateTotal();
  }

  function save() {
    if (!dirty || stopped || saving) { return; }
    saving = true;
    dirty = false;
    var again = false;
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
        applyMarks(result.body.marks || {});
        show(result.body.message, "ok");
        again = dirty;  // typed while this save was on its way: save that too, now
      } else {
        // 409: saved elsewhere. Stop autosaving so this tab never overwrites the other; keep what is typed.
        if (result.status === 409) { stopped = true; }
        if (result.body.marks) { applyMarks(result.body.marks); }
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
      } else if (again) {
        save();
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
