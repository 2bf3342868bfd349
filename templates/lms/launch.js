/* Shared by both LMS formats: watches which site page the learner is on and offers a "Mark
 * complete" button. The format's adapter (scorm-api.js or cmi5-au.js) calls
 * TrainkitLaunch.start({ complete: fn }) and reports what the LMS answered through setStatus. */
(function () {
  "use strict";
  var body = document.body;
  var frame = document.getElementById("lms-content");
  var button = document.getElementById("lms-complete");
  var statusEl = document.getElementById("lms-status");
  // Absolute path of the last module page, so it compares with the frame's location whatever
  // folder the LMS unpacked the package into.
  var lastPath = new URL(body.getAttribute("data-last-page"), document.baseURI).pathname;
  var adapter = null;

  function setStatus(text, done) {
    statusEl.textContent = text;
    if (done) {
      button.disabled = true;
      button.textContent = "Completed";
    }
  }

  function onPageLoad() {
    var path, origin, links;
    try {
      path = frame.contentWindow.location.pathname;
      origin = frame.contentWindow.location.origin;
      links = frame.contentDocument.querySelectorAll("a[href]");
    } catch (e) {
      // Another origin (a link followed out of the course), or a file:// page, which browsers keep
      // apart: nothing to track, and "Mark complete" still works.
      return;
    }
    // Links to other sites open in a new tab: many refuse to be framed, and the course stays put.
    for (var i = 0; i < links.length; i++) {
      if (links[i].origin && links[i].origin !== origin) {
        links[i].target = "_blank";
        links[i].rel = "noopener";
      }
    }
    if (adapter && path === lastPath) {
      adapter.complete("reached the last module");
    }
  }

  // No session to record it in: a button that could only say so again is hidden.
  function unavailable(text) {
    statusEl.textContent = text;
    button.hidden = true;
  }

  window.TrainkitLaunch = {
    setStatus: setStatus,
    unavailable: unavailable,
    start: function (formatAdapter) {
      adapter = formatAdapter;
      button.addEventListener("click", function () {
        adapter.complete("marked complete");
      });
      frame.addEventListener("load", onPageLoad);
      onPageLoad(); // the first page may have loaded before the adapter was ready
    },
  };
})();
