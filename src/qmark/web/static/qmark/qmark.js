/* qmark web: a little progressive enhancement. Every page works without it. */
(function () {
  "use strict";

  // An error summary takes focus, so keyboard and screen-reader users hear what to fix.
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }

  // While an assessment runs, poll its progress and reload when it has finished.
  var box = document.querySelector("[data-progress-url]");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-progress-url");
  var bar = box.querySelector("progress");
  var stage = box.querySelector("[data-stage]");
  var lastStage = stage ? stage.textContent : "";
  var delay = 1000;

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (data) {
        if (data.status === "done" || data.status === "failed" || data.status === "none") {
          window.location.reload();
          return;
        }
        if (bar) { bar.value = data.progress; bar.textContent = data.progress + "%"; }
        if (stage && data.stage && data.stage !== lastStage) {
          stage.textContent = data.stage;       // a polite live region announces the change
          lastStage = data.stage;
        }
        delay = Math.min(delay + 250, 3000);
        window.setTimeout(poll, delay);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, delay);
})();
