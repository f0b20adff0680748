/* The project's own test SCO. It finds the SCORM 1.2 or 2004 API as a real SCO does, initializes, reads what a
 * resumed attempt needs, then makes the calls its query string asks for, in this order:
 *   set=ELEMENT=VALUE (repeatable), get=ELEMENT (repeatable), suspend=DATA (suspend data, exit "suspend"),
 *   commit=1, nav=REQUEST (2004 adl.nav.request), terminate=1.
 *   manual=1 initializes nothing: the test drives window.probe itself.
 * As most SCOs do, a session still open when the page goes away is terminated.
 * Every call is appended to #probe-log and to window.probe.log; <html data-probe="ready"> once the query's calls
 * are made, so a test can wait for it. */
(function () {
  "use strict";

  // Method and element names per standard: the probe speaks both with one vocabulary.
  var STANDARDS = {
    "1.2": {
      api: "API",
      methods: {Initialize: "LMSInitialize", Terminate: "LMSFinish", GetValue: "LMSGetValue",
        SetValue: "LMSSetValue", Commit: "LMSCommit", GetLastError: "LMSGetLastError"},
      elements: {entry: "cmi.core.entry", exit: "cmi.core.exit", location: "cmi.core.lesson_location",
        suspend_data: "cmi.suspend_data"}
    },
    "2004": {
      api: "API_1484_11",
      methods: {Initialize: "Initialize", Terminate: "Terminate", GetValue: "GetValue", SetValue: "SetValue",
        Commit: "Commit", GetLastError: "GetLastError"},
      elements: {entry: "cmi.entry", exit: "cmi.exit", location: "cmi.location", suspend_data: "cmi.suspend_data"}
    }
  };

  function findIn(start, name) {
    for (var win = start, hops = 0; win && hops < 10; hops += 1) {
      try {
        if (win[name]) { return win[name]; }
      } catch (ignored) { return null; }
      if (win.parent === win) { break; }
      win = win.parent;
    }
    return null;
  }

  function discover() {
    var order = ["2004", "1.2"];
    for (var i = 0; i < order.length; i += 1) {
      var name = STANDARDS[order[i]].api;
      var api = findIn(window, name) || (window.opener ? findIn(window.opener, name) : null);
      if (api) { return {version: order[i], api: api}; }
    }
    return null;
  }

  var probe = {version: null, api: null, log: [], resumed: null};

  function record(text) {
    probe.log.push(text);
    var item = document.createElement("li");
    item.textContent = text;
    document.getElementById("probe-log").appendChild(item);
  }

  /* One API call by its 2004 name, whatever the standard: {result, error}. */
  probe.call = function (method) {
    var args = Array.prototype.slice.call(arguments, 1).map(String);
    var names = STANDARDS[probe.version].methods;
    var result = String(probe.api[names[method]].apply(probe.api, args));
    var error = String(probe.api[names.GetLastError]());
    record(method + "(" + args.join(", ") + ") -> " + result + " [" + error + "]");
    return {result: result, error: error};
  };
  probe.element = function (key) { return STANDARDS[probe.version].elements[key]; };
  probe.get = function (element) { return probe.call("GetValue", element).result; };
  probe.set = function (element, value) { return probe.call("SetValue", element, value).result; };
  probe.commit = function () { return probe.call("Commit", "").result; };
  probe.terminate = function () {
    probe.terminated = true;
    return probe.call("Terminate", "").result;
  };
  probe.suspend = function (data) {
    probe.set(probe.element("suspend_data"), data);
    return probe.set(probe.element("exit"), "suspend");
  };
  probe.start = function () {
    var started = probe.call("Initialize", "").result;
    probe.started = started === "true";
    probe.resumed = {
      entry: probe.get(probe.element("entry")),
      location: probe.get(probe.element("location")),
      suspend_data: probe.get(probe.element("suspend_data"))
    };
    return started;
  };

  function firstEquals(text) {
    var at = text.indexOf("=");
    return at < 0 ? [text, ""] : [text.slice(0, at), text.slice(at + 1)];
  }

  function runQuery(params) {
    probe.start();
    params.getAll("set").forEach(function (pair) {
      var parts = firstEquals(pair);
      probe.set(parts[0], parts[1]);
    });
    params.getAll("get").forEach(function (element) { probe.get(element); });
    if (params.has("suspend")) { probe.suspend(params.get("suspend")); }
    if (params.get("commit") === "1") { probe.commit(); }
    if (params.has("nav")) { probe.set("adl.nav.request", params.get("nav")); }
    if (params.get("terminate") === "1") { probe.terminate(); }
  }

  window.probe = probe;
  window.addEventListener("DOMContentLoaded", function () {
    var found = discover();
    var params = new URLSearchParams(window.location.search);
    document.documentElement.setAttribute("data-query", window.location.search);
    if (!found) {
      document.getElementById("probe-version").textContent = "no API found";
      document.documentElement.setAttribute("data-probe", "no-api");
      return;
    }
    probe.version = found.version;
    probe.api = found.api;
    document.getElementById("probe-version").textContent = "SCORM " + found.version;
    if (params.get("manual") !== "1") { runQuery(params); }
    document.documentElement.setAttribute("data-probe", "ready");
    window.addEventListener("pagehide", function () {
      if (probe.started && !probe.terminated) { probe.terminate(); }
    });
  });
}());
