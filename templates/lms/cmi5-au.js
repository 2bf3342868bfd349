/* cmi5 run-time for the launch page (the Assignable Unit). The LMS launches it with endpoint,
 * fetch, actor, registration and activityId in the query string. It fetches the auth token once,
 * reads LMS.LaunchData, and sends the cmi5 statements "initialized", "completed" (once per
 * registration, Normal mode only) and "terminated" to the LMS's xAPI endpoint. */
(function () {
  "use strict";
  var launch = window.TrainkitLaunch;
  var query = new URLSearchParams(window.location.search);
  var endpoint = query.get("endpoint");
  var fetchUrl = query.get("fetch");
  var actor = query.get("actor");
  var registration = query.get("registration");
  var activityId = query.get("activityId");
  var VERBS = "http://adlnet.gov/expapi/verbs/";
  var CMI5 = "https://w3id.org/xapi/cmi5/context/categories/cmi5";
  var MOVEON = "https://w3id.org/xapi/cmi5/context/categories/moveon";
  // Our own state document: the LMS must refuse a second "completed" in a registration, so a
  // relaunch after completion has to know it already sent one.
  var PROGRESS = "trainkit.progress";

  var auth = null;
  var contextTemplate = {};
  var launchMode = "Normal";
  var started = Date.now();
  var open = false;
  var completed = false;
  var busy = false;
  var starting = false;
  var wanted = null; // a completion asked for while the session was still opening

  function xapi(method, path, params, body, keepalive) {
    var headers = { "X-Experience-API-Version": "1.0.3", Authorization: auth };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    var url = endpoint.replace(/\/?$/, "/") + path + (params ? "?" + new URLSearchParams(params) : "");
    return fetch(url, {
      method: method,
      headers: headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "omit",
      keepalive: !!keepalive,
    });
  }

  function state(stateId) {
    return { stateId: stateId, activityId: activityId, agent: actor, registration: registration };
  }

  function checked(response) {
    if (!response.ok) throw new Error("HTTP " + response.status);
    return response;
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  function send(verb, result, categories, keepalive) {
    // The LMS's contextTemplate carries the session id; every cmi5 statement also names the cmi5 category.
    var context = JSON.parse(JSON.stringify(contextTemplate));
    context.registration = registration;
    context.contextActivities = context.contextActivities || {};
    var category = (context.contextActivities.category = context.contextActivities.category || []);
    [CMI5].concat(categories || []).forEach(function (id) {
      if (!category.some(function (c) { return c.id === id; })) category.push({ id: id, objectType: "Activity" });
    });
    var statement = {
      id: uuid(),
      timestamp: new Date().toISOString(),
      actor: JSON.parse(actor),
      verb: { id: VERBS + verb, display: { "en-US": verb } },
      object: { objectType: "Activity", id: activityId },
      context: context,
    };
    if (result) statement.result = result;
    return xapi("POST", "statements", null, statement, keepalive).then(checked);
  }

  function duration() {
    return "PT" + ((Date.now() - started) / 1000).toFixed(2) + "S";
  }

  function complete(why) {
    if (completed || busy) return;
    if (!open) {
      if (starting) wanted = why;
      else launch.setStatus("No learning system session: completion cannot be recorded.");
      return;
    }
    if (launchMode !== "Normal") {
      launch.setStatus(launchMode + " mode: completion is not recorded.");
      return;
    }
    busy = true;
    send("completed", { completion: true, duration: duration() }, [MOVEON])
      .then(function () {
        completed = true;
        launch.setStatus("Completed (" + why + ").", true);
        return xapi("PUT", "activities/state", state(PROGRESS), { completed: true });
      })
      .catch(function (err) {
        launch.setStatus("The learning system did not record completion (" + err.message + ").");
      })
      .then(function () {
        busy = false;
      });
  }

  function terminate() {
    if (!open) return;
    open = false;
    // keepalive lets the request outlive the page that is closing.
    send("terminated", { duration: duration() }, [], true).catch(function () {});
  }

  function start() {
    if (!endpoint || !fetchUrl || !actor || !registration || !activityId) {
      launch.unavailable("Not launched by a cmi5 learning system: progress is not recorded.");
      return;
    }
    starting = true;
    fetch(fetchUrl, { method: "POST", credentials: "omit" })
      .then(checked)
      .then(function (r) { return r.json(); })
      .then(function (token) {
        if (!token["auth-token"]) throw new Error(token["error-text"] || "no auth token");
        auth = "Basic " + token["auth-token"];
        return xapi("GET", "activities/state", state("LMS.LaunchData")).then(checked);
      })
      .then(function (r) { return r.json(); })
      .then(function (launchData) {
        contextTemplate = launchData.contextTemplate || {};
        launchMode = launchData.launchMode || "Normal";
        return send("initialized");
      })
      .then(function () {
        open = true;
        starting = false;
        window.addEventListener("pagehide", terminate);
        return xapi("GET", "activities/state", state(PROGRESS)).then(function (r) {
          return r.ok ? r.json() : {};
        });
      })
      .then(function (progress) {
        if (progress && progress.completed) {
          completed = true;
          launch.setStatus("Completed.", true);
        } else if (launchMode !== "Normal") {
          launch.unavailable(launchMode + " mode: completion is not recorded.");
        } else {
          launch.setStatus("In progress: complete when you reach the last module.");
          if (wanted) complete(wanted);
        }
      })
      .catch(function (err) {
        starting = false;
        launch.unavailable("The learning system could not be reached (" + err.message + "): progress is not recorded.");
      });
  }

  start();
  launch.start({ complete: complete });
})();
