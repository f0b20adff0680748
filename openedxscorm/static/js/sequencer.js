/* Which SCO comes next, decided by scorm-again's sequencing engine (SCORM 2004 packages with several SCOs).
 * The engine runs inside the launcher's API, from the activity tree the server built out of the manifest. Its
 * state is saved on the server before the learner moves to another SCO and restored on the next launcher
 * page, so one sequencing session spans the page loads. The server still checks each delivery and computes
 * grades and completion from the SCOs' own data; nothing here is trusted for those. */
window.ScormSequencer = (function () {
  "use strict";

  var TARGETED = /^\{target=([^{}]+)\}(choice|jump)$/;

  function create(launch) {
    var config = launch.sequencing;
    var api = null;
    var outcome = { delivered: null, ended: false, error: null };
    var activities = {};
    var parents = {};
    (function index(activity, parent) {
      activities[activity.id] = activity;
      parents[activity.id] = parent;
      (activity.children || []).forEach(function (child) { index(child, activity.id); });
    }(config.activityTree, null));

    function clearOutcome() {
      outcome = { delivered: null, ended: false, error: null };
    }

    var listeners = {
      onActivityDelivery: function (activity) { outcome.delivered = activity.id; },
      onSequencingSessionEnd: function () { outcome.ended = true; },
      onSequencingError: function (error) { outcome.error = String(error); }
    };

    var previewKey = "openedxscorm-preview-sequencing:" + config.stateUrl;

    function readPreviewState() {
      try {
        return window.sessionStorage.getItem(previewKey) || "";
      } catch (error) {
        return "";
      }
    }

    function writePreviewState(state) {
      try {
        window.sessionStorage.setItem(previewKey, state);
      } catch (error) {
        if (window.console) { window.console.warn("SCORM preview sequencing state not kept:", error); }
      }
    }

    function currentId() {
      var service = api.getSequencingService();
      var current = service && service.getSequencingState().currentActivity;
      return current ? current.id : null;
    }

    /* What the last request led to: {target} to deliver; {ended} when the session is over (exitAll, an exit
     * rule...: the engine has no current activity left); else {refused}, the engine said no. */
    function result(accepted) {
      if (outcome.delivered) { return { target: outcome.delivered }; }
      if (outcome.ended || !currentId()) { return { ended: true }; }
      return { refused: true, accepted: accepted, error: outcome.error };
    }

    return {
      /* The `sequencing` setting of the API's constructor. */
      settings: function () {
        return { activityTree: config.activityTree, eventListeners: listeners };
      },
      /* Restore the saved session, then make the engine's current activity the SCO this page launches (the
       * server may have started elsewhere: a first visit, or a session saved before another package). */
      attach: function (instance) {
        api = instance;
        var state = config.preview ? readPreviewState() : config.state;
        if (state) {
          try {
            api.deserializeSequencingState(state);
          } catch (error) {
            if (window.console) { window.console.warn("SCORM sequencing state not restored:", error); }
          }
        }
        if (!currentId()) { api.processNavigationRequest("resumeAll"); }
        if (!currentId()) { api.processNavigationRequest("start"); }
        if (currentId() !== launch.sco) { api.processNavigationRequest("jump", launch.sco); }
        clearOutcome();
      },
      /* Forget what earlier requests led to: the next outcome is the SCO's own, at Terminate. */
      clear: clearOutcome,
      /* What the SCO's adl.nav.request led to when it terminated (the engine processes it in Terminate). */
      outcome: function () { return result(true); },
      /* Leave a request of the player's controls for the running SCO's Terminate; false when not accepted. */
      requestAtTerminate: function (request) {
        clearOutcome();
        return String(api.SetValue("adl.nav.request", request)) === "true";
      },
      /* A request of the player's controls, in the adl.nav.request vocabulary. */
      request: function (request) {
        clearOutcome();
        var targeted = TARGETED.exec(request);
        var accepted = targeted ? api.processNavigationRequest(targeted[2], targeted[1])
          : api.processNavigationRequest(request);
        return result(accepted);
      },
      /* Whether post- or exit-condition rules of the SCO or its clusters may lead on where plain flow ends
       * (a retry, for instance): then "continue" is worth asking the engine. */
      mayContinue: function () {
        for (var id = launch.sco; id; id = parents[id]) {
          var rules = activities[id] && activities[id].sequencingRules;
          if (rules && ((rules.postConditionRules || []).length || (rules.exitConditionRules || []).length)) {
            return true;
          }
        }
        return false;
      },
      /* Save the engine's session on the server (in the tab in Studio's preview, where nothing is stored);
       * resolves when the answer came (or failed). */
      save: function () {
        var state = api.serializeSequencingState();
        if (config.preview) {
          writePreviewState(state);
          return Promise.resolve(null);
        }
        var body = JSON.stringify({ state: state });
        var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
        return fetch(config.stateUrl, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": match ? decodeURIComponent(match[1]) : "" },
          body: body
        }).catch(function () { return null; });
      }
    };
  }

  return { create: create };
}());
