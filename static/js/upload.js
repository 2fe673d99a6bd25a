// Uploads: a file over the limit is refused as soon as it is chosen, with the server's own message.
// The server would refuse it too, but only after receiving the first 20 MB, and it then closes the
// connection, which browsers show as a network error instead of the explanation. The same happens
// when the session ended while the page was open (a stranger's body is capped at 1 MB). So the form
// is sent by fetch: the server's answer replaces the page as a normal submission would, and a
// connection cut before any answer is said beside the file field, with the limit. While the server
// works, the buttons are disabled (a second click would send the file twice) and the form's
// [data-busy] note, if it has one, says what is going on.
(function () {
  "use strict";

  function showInterrupted(form, input) {
    var field = input.closest(".field") || input.parentNode;
    var list = field.querySelector("ul.upload-interrupted");
    if (!list) {
      list = document.createElement("ul");
      list.className = "field-errors upload-interrupted";
      list.setAttribute("role", "alert");
      field.appendChild(list);
    }
    list.textContent = "";
    var item = document.createElement("li");
    item.textContent = input.dataset.interrupted;
    list.appendChild(item);
    field.classList.add("has-error");
  }

  function showAnswer(response) {
    return response.text().then(function (html) {
      // The answer is a whole page (the paper after a redirect, or the form with its errors).
      if (response.url && response.url !== window.location.href) {
        window.history.replaceState(null, "", response.url);
      }
      document.open();
      document.write(html);
      document.close();
    });
  }

  document.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (input) {
    var limit = parseInt(input.dataset.maxBytes, 10);
    var form = input.form;
    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      input.setCustomValidity(file && file.size > limit ? input.dataset.tooLarge : "");
      input.reportValidity();
    });
    if (!form || !window.fetch || !window.FormData) {
      return;
    }
    form.addEventListener("submit", function (event) {
      if (form.dataset.sending) {
        event.preventDefault();
        return;
      }
      event.preventDefault();
      var body = event.submitter ? new FormData(form, event.submitter) : new FormData(form);
      var buttons = form.querySelectorAll("button[type=submit]");
      var busy = form.querySelector("[data-busy]");
      form.dataset.sending = "1";
      buttons.forEach(function (button) { button.disabled = true; });
      if (busy) { busy.hidden = false; }
      fetch(form.action, { method: "POST", body: body, credentials: "same-origin" })
        .then(showAnswer)
        .catch(function () {
          delete form.dataset.sending;
          buttons.forEach(function (button) { button.disabled = false; });
          if (busy) { busy.hidden = true; }
          showInterrupted(form, input);
        });
    });
  });
})();
