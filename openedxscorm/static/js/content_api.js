/* The SCORM API of a SCO on a content origin (CONTENT_ORIGIN), in the wrapper page beside it (same origin as the
 * SCO, not the LMS's). scorm-again answers every call at once, as in the launcher, so values and errors are
 * synchronous and conformant. The learner's values come from the launcher before the SCO is framed. Initialize,
 * each Commit and Terminate send the data model as it stands to the launcher by postMessage; the launcher stores it
 * (content_bridge.js) and sends back what the server answered. Each accepted SetValue is also handed to the
 * launcher's copy of the API, without a request: the launcher sends it when its page goes away, as it does for a
 * SCO on its own origin.
 *
 * A Commit answers "true" once its data is handed to the launcher, as on the LMS's origin, where the request is
 * asynchronous too. When the server refuses a commit or it cannot be sent, the next Commit returns "false" with
 * the commit failure code and the reason as its diagnostic; what was not stored goes again with every later
 * commit (docs/security.rst). */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("scorm-wrapper").textContent);
  var names = config.api;
  var parentOrigin = null; // the launcher's origin, from its first message
  var api = null;
  var session = { initialized: false, terminated: false, changed: false };
  var firstSet = []; // elements in the order the SCO first set them
  var setOnce = {};
  var waiting = {}; // commit id -> true until the launcher answers
  var nextId = 1;
  var failure = null; // reason of a commit the server refused or that failed, reported by the next Commit
  var messages = { commitNotSent: "" }; // translated by the launcher (the LMS knows the learner's language)
  var status = { started: false, inFlight: 0, stored: 0, ignored: 0, rejected: [], failed: 0 };
  window.scormPlayer = status;

  function post(message) {
    if (parentOrigin) { window.parent.postMessage(message, parentOrigin); }
  }

  /* The data model's plain values, as strings (what the launcher compares with its own). */
  function dataModel() {
    var flat = api.getFlattenedCMI();
    var values = {};
    Object.keys(flat).forEach(function (element) {
      var value = flat[element];
      if (value !== null && typeof value !== "object") { values[element] = String(value); }
    });
    return values;
  }

  function sendCommit(terminate, navRequest, values) {
    var id = nextId;
    nextId += 1;
    waiting[id] = true;
    status.inFlight += 1;
    session.changed = false;
    post({ type: "commit", id: id, values: values || dataModel(), order: firstSet.slice(), terminate: terminate,
      navRequest: navRequest || "" });
  }

  /* SCORM 2004: the navigation request the SCO left for when it terminates (write-only for the SCO: read from
   * the data model itself, which leaves GetLastError alone). */
  function pendingNavRequest() {
    var nav = api.adl && api.adl.nav;
    var request = nav ? String(nav.request || "") : "";
    return request === "_none_" ? "" : request;
  }

  function wrap(method, around) {
    var original = api[method];
    api[method] = function () {
      return around(original.apply.bind(original, api, arguments));
    };
  }

  function hookApi() {
    wrap(names.initialize, function (call) {
      var result = call();
      if (String(result) === "true") {
        session.initialized = true;
        post({ type: "initialize" });
      }
      return result;
    });
    api[names.set] = (function (original) {
      return function (element, value) {
        var result = original.call(api, element, value);
        if (String(result) === "true") {
          session.changed = true;
          // The launcher's copy follows (no request): what the SCO set leaves with the LMS's page as it would
          // on the LMS's origin, even when the page goes away before this page can say anything more.
          post({ type: "set", element: String(element), value: String(value) });
          if (!setOnce[element]) {
            setOnce[element] = true;
            firstSet.push(String(element));
          }
        }
        return result;
      };
    }(api[names.set]));
    wrap(names.commit, function (call) {
      var result = call();
      if (String(result) !== "true") { return result; }
      sendCommit(false);
      if (failure === null) { return result; }
      var reason = failure;
      failure = null;
      api.throwSCORMError(null, Number(config.commitFailure), reason);
      return "false";
    });
    wrap(names.terminate, function (call) {
      // As the SCO left them: the launcher's API runs its own Terminate (and its engine) over them.
      var request = pendingNavRequest();
      var values = dataModel();
      var result = call();
      if (String(result) === "true" && !session.terminated) {
        session.terminated = true;
        sendCommit(true, request, values);
      }
      return result;
    });
  }

  /* The learner's values have come: the API starts from them, then the SCO is framed. */
  function start(init) {
    var settings = { lmsCommitUrl: false, autocommit: false, logLevel: 5 };
    if (init.sequencing) { settings.sequencing = { activityTree: init.sequencing.activityTree }; }
    api = new window[names.className](settings);
    if (init.sequencing && init.sequencing.state) {
      try {
        api.deserializeSequencingState(init.sequencing.state);
      } catch (error) {
        if (window.console) { window.console.warn("SCORM sequencing state not restored:", error); }
      }
    }
    api.loadFromFlattenedJSON(init.values);
    hookApi();
    window[names.windowName] = api;
    var sco = document.createElement("iframe");
    sco.className = "scorm-sco";
    sco.title = init.title;
    sco.setAttribute("allow", "fullscreen; autoplay");
    sco.setAttribute("allowfullscreen", "");
    sco.src = config.scoUrl;
    document.body.appendChild(sco);
    status.started = true;
  }

  function answered(message) {
    if (!waiting[message.id]) { return; }
    delete waiting[message.id];
    status.inFlight -= 1;
    var outcome = message.outcome || {};
    if (outcome.result === "stored" || outcome.result === "ignored") {
      status[outcome.result] += 1;
    } else if (outcome.result === "rejected") {
      status.rejected.push(outcome.body);
      failure = String((outcome.body && outcome.body.error) || "The commit was refused.");
    } else if (outcome.result === "failed") {
      status.failed += 1;
      failure = messages.commitNotSent;
    }
  }

  /* Navigation: unload the SCO (its unload handler usually terminates), terminate a session it left open. */
  function endSco() {
    var sco = document.querySelector(".scorm-sco");
    var finish = function () {
      if (session.initialized && !session.terminated) { api[names.terminate](""); }
      post({ type: "ended" });
    };
    if (!sco) { finish(); return; }
    sco.addEventListener("load", finish, { once: true });
    sco.setAttribute("src", "about:blank");
  }

  var handlers = {
    init: function (message, event) {
      if (api || !message.values || typeof message.values !== "object") { return; }
      parentOrigin = event.origin;
      messages.commitNotSent = String(message.commitNotSent || "");
      var begin = function () {
        start({ values: message.values, title: String(message.title || ""), sequencing: message.sequencing });
      };
      if (document.body) { begin(); } else { document.addEventListener("DOMContentLoaded", begin); }
    },
    answer: answered,
    end: endSco
  };

  window.addEventListener("message", function (event) {
    var message = event.data;
    if (event.source !== window.parent || (parentOrigin && event.origin !== parentOrigin)) { return; }
    if (!message || typeof message !== "object" || !Object.prototype.hasOwnProperty.call(handlers, message.type)) {
      return;
    }
    handlers[message.type](message, event);
  });

  /* The page goes away with the session open: what the SCO set since its last commit. */
  function flush() {
    if (session.initialized && !session.terminated && session.changed) { sendCommit(false); }
  }
  window.addEventListener("pagehide", flush);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { flush(); }
  });

  // Nothing secret: the launcher answers only a frame of its own on this origin.
  window.parent.postMessage({ type: "ready" }, "*");
}());
