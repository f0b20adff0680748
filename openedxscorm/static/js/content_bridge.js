/* The launcher's side of a content origin (CONTENT_ORIGIN). The SCO and the API it calls run in a wrapper page on
 * another host name (content_api.js), framed here; the launcher only hears messages from that frame and that
 * origin. It answers "ready" with the learner's values, and replays "initialize", each accepted "set" and each
 * commit on its own API (launcher.js), which stores commits with the CSRF token as for a SCO on the LMS's origin
 * (and what was set since, when the page goes away); the answer of each commit goes back to the wrapper.
 * Anything else, from anywhere else, changes nothing. */
(function () {
  "use strict";
  function launchData() { return JSON.parse(document.getElementById("scorm-launch").textContent); }
  var origin = launchData().contentOrigin;
  if (!origin) { return; }
  var names = launchData().api;
  var ENDED_LIMIT_MS = 5000; // a wrapper that never says it ended the SCO does not hold the navigation up
  var endings = [];

  function frame() { return document.querySelector(".scorm-content"); }
  function launcherApi() { return window[names.windowName]; }
  function reply(message) {
    var target = frame();
    if (target && target.contentWindow) { target.contentWindow.postMessage(message, origin); }
  }

  function isStringMap(value) {
    return Boolean(value) && typeof value === "object" && !Array.isArray(value) &&
      Object.keys(value).every(function (key) { return typeof value[key] === "string"; });
  }

  /* The wrapper's data model laid over the launcher's: each element whose value differs, in the order the SCO
   * first set them (an interaction's id before its type...). The API checks each value as it checked the SCO's. */
  function apply(api, values, order) {
    var current = api.getFlattenedCMI();
    var rank = {};
    order.forEach(function (element, index) { rank[element] = index; });
    var last = order.length;
    Object.keys(values).filter(function (element) {
      return String(current[element]) !== values[element];
    }).sort(function (a, b) {
      return (a in rank ? rank[a] : last) - (b in rank ? rank[b] : last) || (a < b ? -1 : 1);
    }).forEach(function (element) {
      api[names.set](element, values[element]);
    });
  }

  var handlers = {
    ready: function () {
      var data = launchData();
      var init = { type: "init", values: data.values, title: frame().getAttribute("title") || "",
        commitNotSent: data.commitNotSent };
      if (data.sequencing) {
        // The engine as the launcher set it up for this SCO: the SCO's adl.nav.request_valid answers are its.
        init.sequencing = { activityTree: data.sequencing.activityTree,
          state: launcherApi().serializeSequencingState() };
      }
      reply(init);
    },
    initialize: function () {
      launcherApi()[names.initialize]("");
    },
    set: function (message) {
      if (typeof message.element === "string" && typeof message.value === "string") {
        launcherApi()[names.set](message.element, message.value);
      }
    },
    commit: function (message) {
      if (typeof message.id !== "number" || !isStringMap(message.values) || !Array.isArray(message.order)) { return; }
      var api = launcherApi();
      var player = window.scormPlayer;
      apply(api, message.values, message.order.map(String));
      var before = player.lastRequest;
      if (message.terminate) {
        if (typeof message.navRequest === "string" && message.navRequest) {
          api[names.set]("adl.nav.request", message.navRequest);
        }
        api[names.terminate]("");
      } else {
        api[names.commit]("");
      }
      var request = player.lastRequest !== before ? player.lastRequest : Promise.resolve({ result: "nothing" });
      request.then(function (outcome) { reply({ type: "answer", id: message.id, outcome: outcome }); });
    },
    ended: function () {
      endings.splice(0).forEach(function (done) { done(); });
    }
  };

  window.addEventListener("message", function (event) {
    var target = frame();
    if (event.origin !== origin || !target || event.source !== target.contentWindow) { return; }
    var message = event.data;
    if (!message || typeof message !== "object" || !Object.prototype.hasOwnProperty.call(handlers, message.type)) {
      return;
    }
    handlers[message.type](message);
  });

  /* Navigation: the wrapper unloads the SCO (whose unload handler usually terminates), terminates a session left
   * open and says "ended" once that last commit is on its way here; then launcher.js unloads the wrapper. */
  window.scormContentBridge = {
    endFrame: function (done) {
      var finished = false;
      var finish = function () {
        if (!finished) {
          finished = true;
          done();
        }
      };
      endings.push(finish);
      window.setTimeout(finish, ENDED_LIMIT_MS);
      reply({ type: "end" });
    }
  };
}());
