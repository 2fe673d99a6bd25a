// The staff's check-in page (templates/checkin/scanner.html). Badges' QR codes are read from the camera
// with jsQR (static/vendor/jsqr); a badge's code or a name is looked up on the server. Every check-in
// goes into a queue kept in localStorage and is sent from there, one at a time, with the CSRF header:
// on a weak connection the queue waits and is sent when the phone is back online (the server answers
// a check-in sent twice with "already", so nothing is counted twice). The page shows how many wait.
(function () {
  "use strict";
  var root = document.getElementById("checkin-scanner");
  if (!root) { return; }
  var data = root.dataset;
  var queueKey = data.queueKey;
  var sentKey = queueKey + ":sent";
  var sending = false;
  var lastCode = "";
  var lastAt = 0;

  function readQueue() {
    try { return JSON.parse(window.localStorage.getItem(queueKey) || "[]"); } catch (error) { return []; }
  }
  function writeQueue(queue) { window.localStorage.setItem(queueKey, JSON.stringify(queue)); }
  function sentCount() { return parseInt(window.localStorage.getItem(sentKey) || "0", 10) || 0; }

  function showCounts() {
    root.querySelector("[data-queued]").textContent = readQueue().length;
    root.querySelector("[data-sent]").textContent = sentCount();
  }

  function say(text, kind) {
    var result = root.querySelector("[data-result]");
    result.textContent = text;
    result.className = "checkin-result " + (kind || "");
    var item = document.createElement("li");
    item.textContent = new Date().toLocaleTimeString() + " " + text;
    var log = root.querySelector("[data-log]");
    log.insertBefore(item, log.firstChild);
    while (log.children.length > 20) { log.removeChild(log.lastChild); }
  }

  function enqueue(entry) {
    entry.id = String(Date.now()) + Math.random().toString(16).slice(2);
    entry.day = data.day;
    entry.session = data.session;
    entry.at = new Date().toISOString();
    var queue = readQueue();
    queue.push(entry);
    writeQueue(queue);
    showCounts();
    send();
  }

  function send() {
    if (sending) { return; }
    var queue = readQueue();
    if (!queue.length) { return; }
    if (navigator.onLine === false) { say(data.offlineText, "waiting"); return; }
    sending = true;
    var entry = queue[0];
    fetch(data.recordUrl, {
      method: "POST", credentials: "same-origin", cache: "no-store",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": data.csrf },
      body: JSON.stringify(entry)
    }).then(function (response) {
      var json = (response.headers.get("content-type") || "").indexOf("application/json") === 0;
      if (!json) { throw new Error("status " + response.status); }  // signed out, or the server is down
      return response.json().then(function (answer) {
        var rest = readQueue().filter(function (other) { return other.id !== entry.id; });
        writeQueue(rest);
        window.localStorage.setItem(sentKey, String(sentCount() + 1));
        say(answer.message, answer.status === "checked_in" ? "done" : "refused");
        sending = false;
        showCounts();
        send();
      });
    }).catch(function () {
      sending = false;
      say(data.offlineText, "waiting");
      window.setTimeout(send, 5000);
    });
  }

  // The camera: a frame every 250 ms into jsQR; the same code within three seconds is one scan.
  function startCamera() {
    var video = root.querySelector("[data-video]");
    var canvas = root.querySelector("[data-canvas]");
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || typeof window.jsQR !== "function") {
      say(data.noCameraText, "refused");
      return;
    }
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false }).then(function (stream) {
      video.srcObject = stream;
      video.hidden = false;
      video.play();
      var context = canvas.getContext("2d", { willReadFrequently: true });
      window.setInterval(function () {
        if (video.readyState < 2) { return; }
        canvas.width = video.videoWidth;
        canvas.height = video.videoHeight;
        context.drawImage(video, 0, 0, canvas.width, canvas.height);
        var found = window.jsQR(context.getImageData(0, 0, canvas.width, canvas.height).data, canvas.width, canvas.height,
                                { inversionAttempts: "dontInvert" });
        if (!found || !found.data) { return; }
        var now = Date.now();
        if (found.data === lastCode && now - lastAt < 3000) { return; }
        lastCode = found.data;
        lastAt = now;
        if (navigator.vibrate) { navigator.vibrate(80); }
        enqueue({ token: found.data });
      }, 250);
    }).catch(function () { say(data.noCameraText, "refused"); });
  }

  function find(event) {
    event.preventDefault();
    var typed = root.querySelector("#checkin-q").value.trim();
    if (!typed) { return; }
    var url = data.findUrl + "?q=" + encodeURIComponent(typed) + "&day=" + encodeURIComponent(data.day) +
      "&session=" + encodeURIComponent(data.session);
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.json(); })
      .then(function (answer) {
        var list = root.querySelector("[data-found]");
        list.textContent = "";
        if (!answer.people.length) { say(data.nobodyText, "refused"); }
        answer.people.forEach(function (person) {
          var item = document.createElement("li");
          item.appendChild(document.createTextNode(person.name + "　" + person.unit + " "));
          var button = document.createElement("button");
          button.type = "button";
          button.className = "small";
          button.textContent = person.checked_in ? data.checkedInText : data.checkInText;
          button.disabled = person.checked_in;
          button.addEventListener("click", function () {
            button.disabled = true;
            button.textContent = data.checkedInText;
            enqueue({ person: person.id, method: answer.by === "code" ? "code" : "list" });
          });
          item.appendChild(button);
          list.appendChild(item);
        });
      })
      .catch(function () { say(data.offlineText, "waiting"); });
  }

  root.querySelector("[data-start-camera]").addEventListener("click", startCamera);
  root.querySelector("[data-find-form]").addEventListener("submit", find);
  window.addEventListener("online", send);
  showCounts();
  send();
}());
