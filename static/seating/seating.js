// 座次表: drag a name onto a seat to move it there (onto a taken seat: the two swap). The move is
// posted as the page's own move form (with the plan's version and the CSRF token) asking for JSON;
// on success the page reloads; on a 409 (someone else changed the plan) it reloads with that message,
// nothing changed; a refused move shows its message. Without JavaScript the forms below the plan do the same.
// The mouse uses HTML5 drag and drop; a finger or a pen (which fire no drag events) uses Pointer Events:
// the name follows the finger and is dropped on the seat under it when the finger lifts.
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

  // Touch and pen: the page does not scroll while a name is held (touch-action: none on .sitter).
  // The seat under the finger, looking through the held name that follows it.
  function seatUnder(x, y, sitter) {
    sitter.style.visibility = "hidden";
    var found = document.elementFromPoint(x, y);
    sitter.style.visibility = "";
    var seat = found && found.closest ? found.closest(".seat[data-seat]") : null;
    return seat && plan.contains(seat) ? seat : null;
  }

  document.querySelectorAll(".sitter[data-person]").forEach(function (sitter) {
    var held = null;
    function clear() {
      if (held && held.target) { held.target.classList.remove("drop-target"); }
      sitter.classList.remove("dragging", "held");
      sitter.style.transform = "";
      held = null;
    }
    sitter.addEventListener("pointerdown", function (event) {
      if (event.pointerType === "mouse" || busy) { return; }
      held = { id: event.pointerId, x: event.clientX, y: event.clientY, target: null };
      if (sitter.setPointerCapture) { sitter.setPointerCapture(event.pointerId); }
      sitter.classList.add("dragging", "held");
    });
    sitter.addEventListener("pointermove", function (event) {
      if (!held || event.pointerId !== held.id) { return; }
      event.preventDefault();
      sitter.style.transform = "translate(" + (event.clientX - held.x) + "px," + (event.clientY - held.y) + "px)";
      var seat = seatUnder(event.clientX, event.clientY, sitter);
      if (seat !== held.target) {
        if (held.target) { held.target.classList.remove("drop-target"); }
        if (seat) { seat.classList.add("drop-target"); }
        held.target = seat;
      }
    });
    sitter.addEventListener("pointerup", function (event) {
      if (!held || event.pointerId !== held.id) { return; }
      var seat = seatUnder(event.clientX, event.clientY, sitter);
      clear();
      if (!seat) { return; }
      var occupant = seat.querySelector(".sitter");
      if (occupant && occupant.dataset.person === sitter.dataset.person) { return; }
      send(sitter.dataset.person, seat.dataset.seat);
    });
    sitter.addEventListener("pointercancel", clear);
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
