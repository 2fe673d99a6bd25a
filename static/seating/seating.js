// 座次表: drag a name onto a seat to move it there (onto a taken seat: the two swap). The move is
// posted as the page's own move form (with the plan's version and the CSRF token) asking for JSON;
// on success the page reloads; on a 409 (someone else changed the plan) it reloads with that message,
// nothing changed; a refused move shows its message. Without JavaScript the forms below the plan do the same.
(function () {
  "use strict";
  var plan = document.getElementById("seat-plan");
  if (!plan || !window.fetch || !window.FormData) { return; }
  var status = document.getElementById("seating-status");
  var busy = false;
  var dragged = null;

  function show(message) {
    if (status) { status.textContent = message; status.className = "flash flash-error"; }
  }

  function send(person, seat) {
    if (busy) { return; }
    busy = true;
    var body = new URLSearchParams();
    body.append("version", plan.dataset.version);
    body.append("person", person);
    body.append("seat", seat);
    body.append("csrf_token", plan.dataset.csrf);
    fetch(plan.dataset.moveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRF-Token": plan.dataset.csrf },
      body: body
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, status: response.status, data: data }; });
    }).then(function (result) {
      // Saved, or someone else changed the plan (409): the reloaded page shows the plan as it is now.
      if (result.ok || result.status === 409) { window.location.reload(); return; }
      show(result.data.error || "Error");
      busy = false;
    }).catch(function () {
      show(plan.dataset.offline || "Network error");
      busy = false;
    });
  }

  document.querySelectorAll(".sitter[data-person]").forEach(function (sitter) {
    sitter.addEventListener("dragstart", function (event) {
      dragged = sitter.dataset.person;
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", dragged);
      sitter.classList.add("dragging");
    });
    sitter.addEventListener("dragend", function () {
      sitter.classList.remove("dragging");
      dragged = null;
    });
  });

  plan.querySelectorAll(".seat[data-seat]").forEach(function (seat) {
    seat.addEventListener("dragover", function (event) {
      if (dragged === null) { return; }
      event.preventDefault();
      event.dataTransfer.dropEffect = "move";
      seat.classList.add("drop-target");
    });
    seat.addEventListener("dragleave", function () { seat.classList.remove("drop-target"); });
    seat.addEventListener("drop", function (event) {
      event.preventDefault();
      seat.classList.remove("drop-target");
      var person = dragged || event.dataTransfer.getData("text/plain");
      var occupant = seat.querySelector(".sitter");
      if (!person || (occupant && occupant.dataset.person === person)) { return; }
      send(person, seat.dataset.seat);
    });
  });
}());
