/* The SCORM API of one block, in its launcher page. scorm-again answers every call of the SCO locally;
 * this file seeds it with the values the server sent with the page and sends what changed: nothing on
 * GetValue or SetValue, one request per Commit or Terminate, and a last one when the page goes away. */
(function () {
  "use strict";
  var launch = JSON.parse(document.getElementById("scorm-launch").textContent);
  var names = launch.api;
  // Bytes a keepalive fetch or a beacon may carry (the browser's quota is 64 KiB for all of them at once).
  var KEEPALIVE_LIMIT = 60000;

  var api = new window[names.className]({
    lmsCommitUrl: false, // scorm-again sends nothing itself: no synchronous XHR, one request per commit (below)
    autocommit: false,
    logLevel: 5
  });
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

  var sent = snapshot(); // what the server holds, or was sent

  function rankOf(element) {
    return firstSetRank.has(element) ? firstSetRank.get(element) : Number.MAX_SAFE_INTEGER;
  }

  /* [[element, value], ...] changed since the last send, in the order the SCO first set them. */
  function changes() {
    var current = snapshot();
    var changed = Object.keys(current).filter(function (element) {
      var before = Object.prototype.hasOwnProperty.call(sent, element) ? sent[element] : "";
      return current[element] !== before;
    });
    changed.sort(function (a, b) { return rankOf(a) - rankOf(b); });
    return changed.map(function (element) { return [element, current[element]]; });
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

  function markSent(list) {
    var previous = {};
    list.forEach(function (change) {
      previous[change[0]] = Object.prototype.hasOwnProperty.call(sent, change[0]) ? sent[change[0]] : "";
      sent[change[0]] = change[1];
    });
    return previous;
  }

  /* A commit that did not arrive (or was refused for one culprit) is sent again with the next one. */
  function resendLater(list, previous, except) {
    list.forEach(function (change) {
      if (change[0] !== except && sent[change[0]] === change[1]) { sent[change[0]] = previous[change[0]]; }
    });
  }

  function answered(list, previous, response) {
    return response.json().catch(function () { return {}; }).then(function (body) {
      if (response.ok) {
        status[body.result === "ignored" ? "ignored" : "stored"] += 1;
        return;
      }
      if (response.status >= 400 && response.status < 500 && body.element) {
        status.rejected.push(body);
        if (window.console) { window.console.warn("SCORM commit refused:", body.element, body.error); }
        resendLater(list, previous, body.element);
        return;
      }
      throw new Error("HTTP " + response.status);
    });
  }

  function bodySize(text) {
    return new Blob([text]).size;
  }

  /* One request. While the page goes away, a beacon (form with the CSRF token) or a keepalive fetch. */
  function send(list, terminate, leaving) {
    var previous = markSent(list);
    var body = JSON.stringify({ seq: nextSeq(), changes: list, terminate: terminate });
    var small = bodySize(body) <= KEEPALIVE_LIMIT;
    if (leaving && small && navigator.sendBeacon) {
      var form = new FormData();
      form.append(launch.commitField, body);
      form.append("csrfmiddlewaretoken", csrfToken());
      if (navigator.sendBeacon(launch.commitUrl, form)) { return; }
    }
    status.inFlight += 1;
    fetch(launch.commitUrl, {
      method: "POST",
      credentials: "same-origin",
      keepalive: small,
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: body
    }).then(function (response) {
      return answered(list, previous, response);
    }).catch(function () {
      status.failed += 1;
      resendLater(list, previous, null);
    }).then(function () {
      status.inFlight -= 1;
    });
  }

  function commit(terminate) {
    var list = changes();
    if (list.length || terminate) { send(list, terminate, false); }
  }

  function flush() {
    var list = changes();
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
  after(names.terminate, function (result) {
    if (String(result) === "true" && !terminated) {
      terminated = true;
      commit(true);
    }
  });

  window.addEventListener("pagehide", flush);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { flush(); }
  });

  window[names.windowName] = api;
  window.scormPlayer = status;
}());
