/* The SCORM API of one block, in its launcher page. scorm-again answers every call of the SCO locally;
 * this file seeds it with the values the server sent with the page and sends what changed: nothing on
 * GetValue or SetValue, one request per Commit or Terminate, and a last one when the page goes away. */
(function () {
  "use strict";
  var launch = JSON.parse(document.getElementById("scorm-launch").textContent);
  var names = launch.api;
  // Bytes a keepalive fetch or a beacon may carry (the browser's quota is 64 KiB for all of them at once).
  var KEEPALIVE_LIMIT = 60000;

  // SCORM 2004 with several SCOs: scorm-again's sequencing engine decides which SCO comes next (sequencer.js).
  var sequencer = launch.sequencing && window.ScormSequencer ? window.ScormSequencer.create(launch) : null;
  var settings = {
    lmsCommitUrl: false, // scorm-again sends nothing itself: no synchronous XHR, one request per commit (below)
    autocommit: false,
    logLevel: 5
  };
  if (sequencer) { settings.sequencing = sequencer.settings(); }
  var api = new window[names.className](settings);
  if (sequencer) { sequencer.attach(api); }
  api.loadFromFlattenedJSON(launch.values);

  var writable = {};
  launch.writable.forEach(function (pattern) { writable[pattern] = true; });
  var firstSetRank = new Map(); // element -> order of its first accepted SetValue: the server replays in that order
  var lastSeq = launch.lastSeq || 0;
  var terminated = false;
  var status = { inFlight: 0, stored: 0, ignored: 0, rejected: [], failed: 0 };

  function patternOf(element) {
    return element.split(".").map(function (part) { return /^\d+$/.test(part) ? "n" : part; }).join(".");
  }

  /* The writable elements scorm-again holds now, as strings. */
  function snapshot() {
    var flat = api.getFlattenedCMI();
    var values = {};
    Object.keys(flat).forEach(function (element) {
      var value = flat[element];
      if (value !== null && typeof value !== "object" && writable[patternOf(element)]) {
        values[element] = String(value);
      }
    });
    return values;
  }

  var sent = snapshot(); // the values as last put in a request
  var unconfirmed = new Map(); // element -> value sent, not yet confirmed stored: every request repeats them

  function rankOf(element) {
    return firstSetRank.has(element) ? firstSetRank.get(element) : Number.MAX_SAFE_INTEGER;
  }

  /* [[element, value], ...] to send: what changed since the last request, and what no answer has confirmed yet
   * (so a request the server handles after a later one loses nothing), in the order the SCO first set them. */
  function outgoing() {
    var current = snapshot();
    var values = {};
    unconfirmed.forEach(function (value, element) { values[element] = value; });
    Object.keys(current).forEach(function (element) {
      var before = Object.prototype.hasOwnProperty.call(sent, element) ? sent[element] : "";
      if (current[element] !== before) { values[element] = current[element]; }
    });
    return Object.keys(values)
      .sort(function (a, b) { return rankOf(a) - rankOf(b); })
      .map(function (element) { return [element, values[element]]; });
  }

  /* Above every earlier commit of this learner, across reloads: the server ignores stale sequence numbers. */
  function nextSeq() {
    lastSeq = Math.max(lastSeq + 1, Date.now() * 1000);
    return lastSeq;
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function markConfirmed(list) {
    list.forEach(function (change) {
      if (unconfirmed.get(change[0]) === change[1]) { unconfirmed.delete(change[0]); }
    });
  }

  /* What became of a request: {result: "stored" | "ignored"}, or {result: "rejected", body: the server's reason}. */
  function answered(list, response) {
    return response.json().catch(function () { return {}; }).then(function (body) {
      if (response.ok) {
        var result = body.result === "ignored" ? "ignored" : "stored";
        status[result] += 1;
        markConfirmed(list);
        if (result === "stored") { refreshControls(); }
        return { result: result };
      }
      if (response.status >= 400 && response.status < 500 && body.element) {
        // Refused as a whole for one element: drop that one, the others go again with the next request.
        status.rejected.push(body);
        if (window.console) { window.console.warn("SCORM commit refused:", body.element, body.error); }
        markConfirmed(list.filter(function (change) { return change[0] === body.element; }));
        return { result: "rejected", body: body };
      }
      throw new Error("HTTP " + response.status);
    });
  }

  /* The TOC's statuses and what can be chosen, next and previous, as the server sees them after a commit. */
  function refreshControls() {
    if (!launch.navigationUrl || !document.querySelector(".scorm-bar [data-nav], .scorm-toc-item")) { return; }
    status.inFlight += 1;
    fetch(launch.navigationUrl, { credentials: "same-origin" }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (navigation) {
      if (!navigation) { return; }
      document.querySelectorAll(".scorm-toc-item").forEach(function (button) {
        var entry = navigation.items[button.getAttribute("data-nav-target")];
        if (!entry) { return; }
        if (entry.enabled) { button.removeAttribute("aria-disabled"); } else { button.setAttribute("aria-disabled", "true"); }
        button.querySelector(".scorm-toc-status").textContent = entry.label;
        button.parentNode.setAttribute("data-status", entry.status);
      });
      [["next", ".scorm-next"], ["previous", ".scorm-previous"]].forEach(function (pair) {
        var button = document.querySelector(pair[1]);
        if (button) { button.disabled = !navigation[pair[0]]; }
      });
      engineButtons();
    }).catch(function () { return null; }).then(function () {
      status.inFlight -= 1;
    });
  }

  /* With the engine, next stays usable where the server's flow ends but the package's post- or exit-condition
   * rules may lead on (the engine answers when it is pressed). */
  function engineButtons() {
    var next = document.querySelector(".scorm-next");
    if (sequencer && next && sequencer.mayContinue()) { next.disabled = false; }
  }

  /* A form the CSRF middleware accepts without headers; false when the browser would not queue it. */
  function beacon(body) {
    if (!navigator.sendBeacon || new Blob([body]).size > KEEPALIVE_LIMIT) { return false; }
    var form = new FormData();
    form.append(launch.commitField, body);
    form.append("csrfmiddlewaretoken", csrfToken());
    return navigator.sendBeacon(launch.commitUrl, form);
  }

  /* One request. While the page goes away a beacon; else a fetch, keepalive when small enough. A Terminate
   * whose fetch fails goes again as a beacon with the same sequence number: stored once either way. */
  function send(list, terminate, leaving) {
    list.forEach(function (change) {
      sent[change[0]] = change[1];
      unconfirmed.set(change[0], change[1]);
    });
    var body = JSON.stringify({ seq: nextSeq(), changes: list, terminate: terminate });
    if (leaving && beacon(body)) {
      status.lastRequest = Promise.resolve({ result: "queued" });
      return;
    }
    status.inFlight += 1;
    // The answer's outcome, for a SCO on a content origin (content_bridge.js sends it back to the wrapper).
    status.lastRequest = fetch(launch.commitUrl, {
      method: "POST",
      credentials: "same-origin",
      keepalive: new Blob([body]).size <= KEEPALIVE_LIMIT,
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: body
    }).then(function (response) {
      return answered(list, response);
    }).catch(function () {
      status.failed += 1;
      return { result: terminate && beacon(body) ? "queued" : "failed" };
    }).then(function (outcome) {
      status.inFlight -= 1;
      return outcome;
    });
  }

  function commit(terminate) {
    var list = outgoing();
    if (list.length || terminate) { send(list, terminate, false); }
  }

  /* The page goes away: what the SCO set since its last Commit (nothing more can change after Terminate). */
  function flush() {
    if (terminated) { return; }
    var list = outgoing();
    if (list.length) { send(list, false, true); }
  }

  function after(method, callback) {
    var original = api[method];
    api[method] = function () {
      var result = original.apply(api, arguments);
      callback(result, arguments);
      return result;
    };
  }

  after(names.set, function (result, args) {
    var element = String(args[0]);
    if (String(result) === "true" && !firstSetRank.has(element)) { firstSetRank.set(element, firstSetRank.size); }
  });
  after(names.commit, function (result) {
    if (String(result) === "true") { commit(false); }
  });
  /* The SCO's session starts on the server when it calls Initialize (the page itself stored nothing). A commit
   * that overtakes this request starts the session as well: the server does it once per delivery. */
  after(names.initialize, function (result) {
    if (String(result) !== "true" || !launch.initializeUrl) { return; }
    status.inFlight += 1;
    fetch(launch.initializeUrl, {
      method: "POST",
      credentials: "same-origin",
      keepalive: true,
      headers: { "X-CSRFToken": csrfToken() }
    }).catch(function () {
      status.failed += 1;
    }).then(function () {
      status.inFlight -= 1;
    });
  });
  /* SCORM 2004: the navigation request the SCO left for when it terminates ("" for 1.2 or none). */
  function pendingNavRequest() {
    if (launch.standard !== "2004") { return ""; }
    try {
      return String(api.GetValue("adl.nav.request") || "");
    } catch (error) {
      return "";
    }
  }

  var requestAtTerminate = "";
  var originalTerminate = api[names.terminate];
  api[names.terminate] = function () {
    requestAtTerminate = pendingNavRequest();
    return originalTerminate.apply(api, arguments);
  };
  after(names.terminate, function (result) {
    if (String(result) === "true" && !terminated) {
      terminated = true;
      commit(true);
      var request = requestAtTerminate;
      var requested = request && request !== "_none_";
      if (sequencer) {
        // The engine already processed the SCO's request inside Terminate; the player only follows it.
        var led = sequencer.outcome();
        if (navigator_.leaving) { return; }
        // Without a request nothing is saved: a SCO ending as its page goes away (a reload) must find the
        // session as it was when it was delivered, and the next navigation saves it anyway.
        if (requested || led.target || led.ended) {
          window.setTimeout(function () { navigator_.deliver(led, true); }, 0);
        }
      } else if (requested) {
        window.setTimeout(function () { navigator_.follow(request); }, 0);
      }
    }
  });

  window.addEventListener("pagehide", flush);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { flush(); }
  });

  window[names.windowName] = api;
  window.scormPlayer = status;

  /* After a switch from another SCO, keyboard and screen reader users land on the new SCO's title. */
  if (new URL(window.location.href).searchParams.has(launch.fromParameter)) {
    document.addEventListener("DOMContentLoaded", function () {
      var scoTitle = document.querySelector(".scorm-sco-title");
      if (scoTitle) { scoTitle.focus(); }
    });
  }

  /* ---- Navigation between SCOs: the launcher reloads itself for the next SCO, once the current one has
   * terminated (its own unload handler usually does it; else the player does) and its last commit is answered. */
  var FLOW_REQUESTS = { continue: true, previous: true };
  var ENDING_REQUESTS = { exit: true, exitAll: true, suspendAll: true, abandon: true, abandonAll: true };
  var SETTLE_LIMIT_MS = 5000;

  var navigator_ = {
    leaving: false,
    /* The launcher's URL with these query parameters (and the SCO we come from, when there are any). */
    url: function (params) {
      var url = new URL(launch.launcherUrl, window.location.href);
      var given = Object.keys(params).filter(function (name) { return params[name]; });
      given.forEach(function (name) { url.searchParams.set(name, params[name]); });
      if (given.length) { url.searchParams.set(launch.fromParameter, launch.sco); }
      return url.toString();
    },
    leave: function (params) {
      window.location.assign(navigator_.url(params));
    },
    /* Call back once every request sent is answered (or after SETTLE_LIMIT_MS): the next page's launcher
     * request must not race the last commit, or the server could store the older state over it. */
    settled: function (done) {
      var started = Date.now();
      (function settle() {
        if (status.inFlight === 0 || Date.now() - started > SETTLE_LIMIT_MS) { done(); return; }
        window.setTimeout(settle, 50);
      }());
    },
    /* Unload the SCO, make sure its session ended, wait for the server to answer, then call back. */
    endSco: function (done) {
      var frame = document.querySelector(".scorm-content");
      var finish = function () {
        if (!terminated) {
          // End the session through the API, as the SCO would: the sequencing engine takes in its results.
          try {
            api[names.terminate]("");
          } catch (error) {
            if (window.console) { window.console.warn("SCORM session not ended by the API:", error); }
          }
        }
        if (!terminated) {
          terminated = true;
          commit(true);
        }
        navigator_.settled(done);
      };
      if (!frame || frame.getAttribute("src") === "about:blank") { finish(); return; }
      var unload = function () {
        frame.addEventListener("load", finish, { once: true });
        frame.setAttribute("src", "about:blank");
      };
      // On a content origin the wrapper page ends the SCO first: its last commit reaches the launcher before.
      if (window.scormContentBridge) { window.scormContentBridge.endFrame(unload); } else { unload(); }
    },
    go: function (request) {
      if (navigator_.leaving) { return; }
      navigator_.leaving = true;
      document.body.setAttribute("aria-busy", "true");
      // With the engine and a running SCO, next and previous go in adl.nav.request before the session ends, so
      // the engine processes them in Terminate as the SCO's own (post-condition rules included). A choice is
      // asked after Terminate, once the SCO's results are taken in.
      var atTerminate = Boolean(sequencer && FLOW_REQUESTS[request] && !terminated &&
        sequencer.requestAtTerminate(request));
      navigator_.endSco(function () {
        if (sequencer && request) {
          // Refused in Terminate (checked before the SCO's results were taken in): asked again after it.
          var led = atTerminate ? sequencer.outcome() : null;
          navigator_.deliver(led && !led.refused ? led : sequencer.request(request), false);
          return;
        }
        var params = {};
        params[launch.navParameter] = request;
        navigator_.leave(params);
      });
    },
    /* Follow what the engine decided, once its session is saved and the SCO's last commit answered. */
    deliver: function (led, fromSco) {
      navigator_.leaving = true;
      sequencer.save().then(function () {
        navigator_.settled(function () { navigator_.land(led, fromSco); });
      });
    },
    /* Launch the SCO the engine delivered (the server checks it again), show that the learner left, or say the
     * rules refused the request. */
    land: function (led, fromSco) {
      var params = {};
      if (led.target) {
        params[launch.sequencing.deliverParameter] = led.target;
        navigator_.leave(params);
      } else if (led.ended) {
        navigator_.stay();
        navigator_.follow("exitAll");
      } else if (fromSco) {
        navigator_.stay();
        navigator_.refuse();
      } else {
        params[launch.sequencing.refusedParameter] = launch.sequencing.refusedValue;
        navigator_.leave(params);
      }
    },
    /* Nothing more to load on this page: the player is no longer busy. */
    stay: function () {
      navigator_.leaving = false;
      document.body.removeAttribute("aria-busy");
    },
    /* The SCO's own request was refused: it has ended, say why and let the learner pick another one. */
    refuse: function () {
      var notice = document.querySelector(".scorm-refusal");
      if (notice) {
        notice.textContent = launch.sequencing.refusal;
        notice.hidden = false;
      }
      navigator_.follow("exit");
    },
    /* A request the SCO made at Terminate: leave for another SCO, or show that the learner left. */
    follow: function (request) {
      if (ENDING_REQUESTS[request]) {
        var frame = document.querySelector(".scorm-content");
        if (frame) { frame.hidden = true; }
        var ended = document.querySelector(".scorm-ended");
        if (ended) { ended.hidden = false; }
        return;
      }
      navigator_.go(request);
    }
  };
  window.scormPlayer.navigate = navigator_.go;

  function setUpControls() {
    engineButtons();
    document.querySelectorAll("[data-nav]").forEach(function (button) {
      button.addEventListener("click", function () {
        var request = button.getAttribute("data-nav");
        navigator_.go(request === "resume" ? "" : request);
      });
    });
    var items = Array.prototype.slice.call(document.querySelectorAll(".scorm-toc-item"));
    items.forEach(function (button, index) {
      button.addEventListener("click", function () {
        if (button.getAttribute("aria-disabled") === "true" || button.hasAttribute("aria-current")) { return; }
        navigator_.go("{target=" + button.getAttribute("data-nav-target") + "}choice");
      });
      button.addEventListener("keydown", function (event) {
        var moves = { ArrowDown: index + 1, ArrowUp: index - 1, Home: 0, End: items.length - 1 };
        if (!(event.key in moves)) { return; }
        var next = items[Math.max(0, Math.min(items.length - 1, moves[event.key]))];
        event.preventDefault();
        next.focus();
      });
    });
    var toggle = document.querySelector(".scorm-toc-toggle");
    var toc = document.getElementById("scorm-toc");
    if (toggle && toc) {
      var setOpen = function (open) {
        toc.hidden = !open;
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
      };
      setOpen(!window.matchMedia("(max-width: 600px)").matches);
      toggle.addEventListener("click", function () { setOpen(toc.hidden); });
    }
    var fullscreen = document.querySelector(".scorm-fullscreen");
    if (fullscreen) {
      if (!document.fullscreenEnabled) {
        fullscreen.hidden = true;
      } else {
        fullscreen.addEventListener("click", function () {
          var request = document.fullscreenElement ? document.exitFullscreen() :
            document.documentElement.requestFullscreen();
          if (request && request.catch) { request.catch(function () { return null; }); }
        });
        document.addEventListener("fullscreenchange", function () {
          fullscreen.setAttribute("aria-pressed", document.fullscreenElement ? "true" : "false");
        });
      }
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpControls);
  } else {
    setUpControls();
  }
}());
