/* A minimal SCORM 1.2 SCO: find the API in a parent or opener window, start, and complete on request. */
(function () {
  "use strict";
  function findApi(start) {
    for (var win = start, hops = 0; win && hops < 10; hops += 1) {
      if (win.API) { return win.API; }
      if (win.parent === win) { break; }
      win = win.parent;
    }
    return null;
  }
  window.addEventListener("DOMContentLoaded", function () {
    var api = findApi(window) || (window.opener ? findApi(window.opener) : null);
    var status = document.getElementById("api-status");
    if (!api) {
      status.textContent = "No SCORM API found: progress is not recorded.";
      return;
    }
    api.LMSInitialize("");
    status.textContent = "Connected to the LMS.";
    document.getElementById("finish").addEventListener("click", function () {
      api.LMSSetValue("cmi.core.score.raw", "100");
      api.LMSSetValue("cmi.core.lesson_status", "completed");
      api.LMSCommit("");
      status.textContent = "Lesson completed.";
    });
    window.addEventListener("pagehide", function () { api.LMSFinish(""); });
  });
}());
