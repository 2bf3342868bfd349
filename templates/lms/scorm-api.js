/* SCORM 1.2 run-time for the launch page: find the LMS's API object, open the session, report
 * "completed" once, and close the session when the page goes away. */
(function () {
  "use strict";
  var launch = window.TrainkitLaunch;

  // The API lives in a window above us (the LMS frameset) or in the window that opened us.
  // Reading a foreign-origin window throws, so each step is guarded; 500 is ADL's search bound.
  function searchUp(win) {
    for (var hops = 0; win && hops < 500; hops++) {
      try {
        if (win.API) return win.API;
      } catch (e) {
        return null;
      }
      if (!win.parent || win.parent === win) return null;
      win = win.parent;
    }
    return null;
  }

  function findAPI() {
    return searchUp(window) || (window.opener ? searchUp(window.opener) : null);
  }

  // SCORM 1.2 CMITimespan: HHHH:MM:SS.SS
  function timespan(ms) {
    var seconds = ms / 1000;
    var h = Math.floor(seconds / 3600);
    var m = Math.floor((seconds % 3600) / 60);
    var s = (seconds % 60).toFixed(2);
    return (h < 10 ? "0" : "") + h + ":" + (m < 10 ? "0" : "") + m + ":" + (s < 10 ? "0" : "") + s;
  }

  var api = findAPI();
  var started = new Date().getTime();
  var open = false;
  var completed = false;

  function ok(result) {
    return String(result) === "true";
  }

  function complete(why) {
    if (completed) return;
    if (!open) {
      launch.setStatus("No learning system session: completion cannot be recorded.");
      return;
    }
    if (ok(api.LMSSetValue("cmi.core.lesson_status", "completed")) && ok(api.LMSCommit(""))) {
      completed = true;
      launch.setStatus("Completed (" + why + ").", true);
    } else {
      launch.setStatus("The learning system did not record completion (error " + api.LMSGetLastError() + ").");
    }
  }

  function finish() {
    if (!open) return;
    open = false;
    api.LMSSetValue("cmi.core.session_time", timespan(new Date().getTime() - started));
    // "suspend" asks the LMS to resume this attempt next time; a completed course starts fresh.
    api.LMSSetValue("cmi.core.exit", completed ? "" : "suspend");
    api.LMSCommit("");
    api.LMSFinish("");
  }

  if (!api) {
    launch.unavailable("No learning system found: progress is not recorded.");
  } else if (!ok(api.LMSInitialize(""))) {
    launch.unavailable("The learning system refused the session (error " + api.LMSGetLastError() + ").");
  } else {
    open = true;
    var status = api.LMSGetValue("cmi.core.lesson_status");
    if (status === "completed" || status === "passed") {
      completed = true;
      launch.setStatus("Completed.", true);
    } else {
      api.LMSSetValue("cmi.core.lesson_status", "incomplete");
      api.LMSCommit("");
      launch.setStatus("In progress: complete when you reach the last module.");
    }
    // pagehide fires on tab close and on navigation, including in the back-forward cache;
    // beforeunload covers older LMS frames. finish() runs once either way.
    window.addEventListener("pagehide", finish);
    window.addEventListener("beforeunload", finish);
  }
  launch.start({ complete: complete });
})();
