/* Studio editor of the SCORM block: sends the form (and the zip, if one is chosen) to studio_submit. */
function ScormStudioView(runtime, element) {
  "use strict";
  var root = element.jquery ? element[0] : element;
  var form = root.querySelector(".scorm-studio-form");
  var status = root.querySelector(".scorm-upload-status");
  var progress = root.querySelector(".scorm-upload-progress");
  var gettext = window.gettext || function (text) { return text; };

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function showStatus(message, kind) {
    status.textContent = message;
    status.className = "scorm-upload-status" + (kind ? " is-" + kind : "");
  }

  function notify(name, data) {
    if (runtime.notify) { runtime.notify(name, data); }
  }

  function finish(request) {
    var body = {};
    try { body = JSON.parse(request.responseText); } catch (ignored) { body = {}; }
    progress.hidden = true;
    if (request.status >= 200 && request.status < 300) {
      var notices = (body.notices || []).join(" ");
      showStatus(gettext("Saved.") + (notices ? " " + notices : ""), "success");
      notify("save", { state: "end" });
      root.dispatchEvent(new CustomEvent("scorm:saved", { bubbles: true, detail: body }));
    } else {
      showStatus(body.error || gettext("The package could not be saved. Please try again."), "error");
      notify("error", { title: gettext("SCORM package"), message: body.error || "" });
    }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var request = new XMLHttpRequest();
    request.open("POST", runtime.handlerUrl(element, "studio_submit"));
    request.setRequestHeader("X-CSRFToken", csrfToken());
    request.upload.addEventListener("progress", function (progressEvent) {
      if (progressEvent.lengthComputable) {
        progress.hidden = false;
        progress.value = Math.round(100 * progressEvent.loaded / progressEvent.total);
      }
    });
    request.addEventListener("load", function () { finish(request); });
    request.addEventListener("error", function () {
      progress.hidden = true;
      showStatus(gettext("The upload was interrupted. Please try again."), "error");
    });
    notify("save", { state: "start", message: gettext("Saving") });
    showStatus(gettext("Uploading and checking the package..."), "");
    request.send(new FormData(form));
  });

  root.querySelector(".cancel-button").addEventListener("click", function () {
    notify("cancel", {});
  });
}
