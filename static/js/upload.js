// Uploads: a file over the limit is refused as soon as it is chosen, with the server's own message.
// The server would refuse it too, but only after receiving the first 20 MB, and it then closes the
// connection, which some browsers show as a network error instead of the explanation.
(function () {
  "use strict";
  document.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (input) {
    var limit = parseInt(input.dataset.maxBytes, 10);
    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      input.setCustomValidity(file && file.size > limit ? input.dataset.tooLarge : "");
      input.reportValidity();
    });
  });
})();
