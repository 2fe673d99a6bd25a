// Live progress of long jobs (templates/_macros/progress.html). Each [data-progress-url] element
// polls its JSON status (seminar/progress.py: stage, done of maximum, seconds left, finished): every
// second while it moves, then less and less often while nothing does (at most every 5 s; every 30 s
// while the server does not answer). The bar and its caption follow; screen readers hear each new
// stage and the end through the page's [data-progress-announce] element. Once the job has finished,
// the enclosing [data-progress-region] is replaced by the same region of a fresh copy of the page,
// so the rest of the page — a form being typed into — stays as it is. Without this script the bar
// shows where the job stood when the page was made, and a link to reload.
(function () {
  "use strict";

  var FIRST_DELAY = 1000;
  var LONGEST_DELAY = 5000;
  var LONGEST_DELAY_UNANSWERED = 30000;

  function announce(text) {
    var announcer = document.querySelector("[data-progress-announce]");
    if (announcer) {
      announcer.textContent = text;
    }
  }

  function showBar(widget, status) {
    var bar = widget.querySelector("progress");
    if (status.value === null) {
      bar.removeAttribute("value");  // a bar that says "under way" without a measure
    } else {
      bar.max = status.maximum;
      bar.value = status.value;
    }
    widget.querySelector("[data-progress-text]").textContent = status.text;
  }

  function readStatus(url) {
    return fetch(url, { headers: { Accept: "application/json" }, cache: "no-store" }).then(function (response) {
      var json = (response.headers.get("content-type") || "").indexOf("application/json") === 0;
      if (!response.ok || !json) {
        // Signed out, or the job is gone: only a reload tells the person what happened.
        throw Object.assign(new Error("status " + response.status), { final: true });
      }
      return response.json();
    });
  }

  function replaceRegion(region, url) {
    return fetch(url, { cache: "no-store" }).then(function (response) {
      return response.text().then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById(region.id);
        if (!response.ok || !fresh) {
          throw new Error("the page has no region " + region.id);
        }
        region.replaceWith(fresh);
        start(fresh);
      });
    });
  }

  function watch(widget) {
    var url = widget.dataset.progressUrl;
    var reload = widget.querySelector("[data-progress-reload]");
    var delay = FIRST_DELAY;
    var lastText = null;
    var lastStage = widget.dataset.progressStage;
    reload.hidden = true;

    function again(wait) {
      window.setTimeout(poll, wait);
    }

    function poll() {
      if (!widget.isConnected) {
        return;  // its region was replaced: the new one has its own watchers
      }
      readStatus(url).then(function (status) {
        reload.hidden = true;
        showBar(widget, status);
        if (status.stage !== lastStage) {
          announce(status.text);
        }
        if (status.finished) {
          var region = widget.closest("[data-progress-region]");
          announce(status.text);
          if (!region || !region.id) {
            window.location.reload();
            return;
          }
          replaceRegion(region, status.url).catch(function () {
            window.location.reload();
          });
          return;
        }
        delay = status.text === lastText ? Math.min(delay * 1.25, LONGEST_DELAY) : FIRST_DELAY;
        lastText = status.text;
        lastStage = status.stage;
        again(delay);
      }).catch(function (error) {
        reload.hidden = false;
        if (!error.final) {
          delay = Math.min(delay * 2, LONGEST_DELAY_UNANSWERED);
          again(delay);
        }
      });
    }

    again(FIRST_DELAY);
  }

  function start(root) {
    root.querySelectorAll("[data-progress-url]").forEach(watch);
  }

  start(document);
})();
