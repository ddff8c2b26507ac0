/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The warning before the session of a form page ends (WCAG 2.2.1 Timing
 * Adjustable): a few minutes before, an alert dialog offers to extend the
 * session; the button asks the server (any request slides the session's
 * end) and starts the clock again.  When the time has run out the alert
 * says so.  Without this script the page says how long the session lasts
 * and a step's answers are kept once "Weiter" or "Später fortsetzen" is
 * pressed.
 */
(function () {
  "use strict";

  function setup() {
    var box = document.getElementById("form-timeout");
    var button = document.getElementById("form-timeout-extend");
    var text = document.getElementById("form-timeout-text");
    var warn, end;

    if (!box || !button || !window.fetch) {
      return;
    }
    function start() {
      var warnMs = parseInt(box.getAttribute("data-warn-seconds"), 10) * 1000;
      var ttlMs = parseInt(box.getAttribute("data-ttl-seconds"), 10) * 1000;

      window.clearTimeout(warn);
      window.clearTimeout(end);
      warn = window.setTimeout(function () {
        box.hidden = false;
        button.focus();
      }, warnMs);
      end = window.setTimeout(function () {
        text.textContent = box.getAttribute("data-expired");
        button.hidden = true;
      }, ttlMs);
    }
    button.addEventListener("click", function () {
      window.fetch(box.getAttribute("data-keepalive"), {credentials: "same-origin"})
        .then(function (r) {
          if (r.ok) {
            box.hidden = true;
            start();
          } else {
            text.textContent = box.getAttribute("data-expired");
            button.hidden = true;
          }
        });
    });
    start();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
