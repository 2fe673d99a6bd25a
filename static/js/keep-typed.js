// Long forms (a paper's details, the preface, a decision mail's wording): what is typed is kept in this browser
// until the form is sent, so a reload, a closed tab or a lost connection loses nothing.
// A form opts in with data-keep-typed="<person>:<page>" (the storage key) and carries its notices as
// data-keep-typed-restored / data-keep-typed-offer / data-keep-typed-restore / data-keep-typed-discard.
// Coming back, the typing is put back at once when the page shows what it showed when the typing began;
// when the page has changed since (someone saved meanwhile), a notice offers to put it back instead.
(function () {
  "use strict";
  if (!window.localStorage || !window.JSON) { return; }
  var PREFIX = "keep-typed:";
  var WEEK = 7 * 24 * 3600 * 1000;

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (element) {
      if (!element.name || element.disabled || element.name === "csrf_token") { return false; }
      if (element.tagName === "TEXTAREA" || element.tagName === "SELECT") { return true; }
      return element.tagName === "INPUT" && ["text", "email", "tel", "url", "number", "search"].indexOf(element.type) >= 0;
    });
  }

  function values(form) {
    var found = {};
    fields(form).forEach(function (element, index) { found[index + ":" + element.name] = element.value; });
    return found;
  }

  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }

  function put(form, typed) {
    fields(form).forEach(function (element, index) {
      var key = index + ":" + element.name;
      if (Object.prototype.hasOwnProperty.call(typed, key)) { element.value = typed[key]; }
    });
  }

  function notice(form, text, actions) {
    var box = document.createElement("div");
    box.className = "flash flash-warning keep-typed";
    box.setAttribute("role", "status");
    var message = document.createElement("p");
    message.textContent = text;
    box.appendChild(message);
    actions.forEach(function (action) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "small";
      button.textContent = action.label;
      button.addEventListener("click", function () { action.run(); box.remove(); });
      box.appendChild(button);
    });
    form.insertBefore(box, form.firstChild);
  }

  document.querySelectorAll("form[data-keep-typed]").forEach(function (form) {
    var key = PREFIX + form.dataset.keepTyped;
    var shown = values(form);  // what the server sent
    var stored = null;
    try { stored = JSON.parse(window.localStorage.getItem(key) || "null"); } catch (error) { stored = null; }
    if (stored && (Date.now() - stored.at > WEEK || same(stored.typed, shown))) {
      window.localStorage.removeItem(key);
      stored = null;
    }
    var baseline = shown;
    if (stored) {
      var forget = { label: form.dataset.keepTypedDiscard, run: function () {
        put(form, shown);
        window.localStorage.removeItem(key);
      } };
      if (same(stored.shown, shown)) {
        put(form, stored.typed);
        baseline = stored.shown;
        notice(form, form.dataset.keepTypedRestored, [forget]);
      } else {
        notice(form, form.dataset.keepTypedOffer, [
          { label: form.dataset.keepTypedRestore, run: function () { put(form, stored.typed); keep(); } },
          forget
        ]);
      }
    }

    function keep() {
      var typed = values(form);
      if (same(typed, baseline)) { window.localStorage.removeItem(key); return; }
      try {
        window.localStorage.setItem(key, JSON.stringify({ at: Date.now(), shown: baseline, typed: typed }));
      } catch (error) { /* storage full or refused: the form still works as before */ }
    }
    form.addEventListener("input", keep);
    form.addEventListener("change", keep);
    // Sent: the server has it now, or shows it back with what is wrong.
    form.addEventListener("submit", function () { window.localStorage.removeItem(key); });
  });
})();
