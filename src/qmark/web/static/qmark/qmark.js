/* qmark web: a little progressive enhancement. Every page works without it. */
(function () {
  "use strict";

  // An error summary takes focus, so keyboard and screen-reader users hear what to fix.
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }

  // After Accept, Reject, Save and the like, the page comes back at the item acted on (#id):
  // focus its heading, so keyboard and screen-reader users keep their place instead of
  // starting again from the top. In-page links ("On this page") do the same.
  function focusTarget() {
    if (!window.location.hash) { return; }
    var el = document.getElementById(decodeURIComponent(window.location.hash.slice(1)));
    if (!el) { return; }
    focusOn(el);
  }
  function focusOn(el) {
    var heading = el.matches("[tabindex], input, select, textarea, button") ? el : el.querySelector("h2[tabindex], h3[tabindex]");
    if (!heading) { el.setAttribute("tabindex", "-1"); heading = el; }
    heading.focus();
  }
  // (again once the page has loaded: the browser's own jump to #id can take focus away)
  // (unless the user has already moved on).
  function untouched() { return !document.activeElement || document.activeElement === document.body; }
  if (!summary) {
    focusTarget();
    window.addEventListener("load", function () { window.setTimeout(function () { if (untouched()) { focusTarget(); } }, 0); });
  }
  // In-page links ("On this page", a question in a table) move focus at once, so the next Tab
  // goes on from there (done on click, not on hashchange, which comes later and would take
  // focus back from wherever the user has moved on to).
  document.addEventListener("click", function (e) {
    var a = e.target.closest && e.target.closest("a[href^='#']");
    if (!a || (summary && summary.contains(a))) { return; }
    var id = decodeURIComponent(a.getAttribute("href").slice(1));
    var el = id && document.getElementById(id);
    if (!el) { return; }
    e.preventDefault();
    if (window.history && window.history.pushState) { window.history.pushState(null, "", "#" + id); }
    focusOn(el);
  });
  // The error summary's links take the keyboard to the field itself.
  if (summary) {
    summary.addEventListener("click", function (e) {
      var a = e.target.closest("a[href^='#']");
      var field = a && document.getElementById(a.getAttribute("href").slice(1));
      if (field) { e.preventDefault(); field.focus(); }
    });
  }

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
