/* Student view of the SCORM block: while the package is being prepared on the server, poll until it can play. */
function ScormStudentView(runtime, element) {
  "use strict";
  var root = element.jquery ? element[0] : element;
  var block = root.querySelector(".scorm-block");
  var popupButton = root.querySelector(".scorm-popup-button");
  if (popupButton) {
    // The pop-up is the block's own launcher page: it hosts the SCORM API, so the package finds it as its parent.
    popupButton.addEventListener("click", function () {
      var popup = window.open(popupButton.getAttribute("data-launch-url"),
                              popupButton.getAttribute("data-window-name"),
                              popupButton.getAttribute("data-window-features"));
      if (popup) { popup.focus(); }
    });
  }
  if (!block || block.getAttribute("data-state") !== "preparing") { return; }
  var statusUrl = runtime.handlerUrl(element, "package_status");
  var attempts = 0;

  /* How far the server's extraction is (files and bytes done of the totals), once it reports it. */
  function showProgress(progress) {
    var bar = block.querySelector(".scorm-preparing-progress");
    if (!bar || !progress || !progress.bytes_total) { return; }
    bar.value = progress.bytes_done / progress.bytes_total;
    bar.hidden = false;
  }

  function poll() {
    attempts += 1;
    fetch(statusUrl, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (status) {
        if (status.state === "ready") {
          var iframe = block.querySelector(".scorm-player");
          if (iframe) {
            iframe.src = iframe.getAttribute("data-src");
            iframe.hidden = false;
          } else if (popupButton) {
            popupButton.disabled = false;
          }
          var message = block.querySelector(".scorm-preparing");
          if (message) { message.remove(); }
          var bar = block.querySelector(".scorm-preparing-progress");
          if (bar) { bar.remove(); }
        } else if (status.state === "preparing" && attempts < 60) {
          showProgress(status.progress);
          window.setTimeout(poll, 2000);
        } else {
          block.querySelector(".scorm-preparing").textContent = status.message || "";
        }
      })
      .catch(function () { if (attempts < 60) { window.setTimeout(poll, 4000); } });
  }
  window.setTimeout(poll, 1000);
}
