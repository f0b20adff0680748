/* Studio editor of the SCORM block: sends the zip in pieces (studio_upload_start, studio_upload_chunk), then the
 * form without it to studio_submit; shows the package summary and the warnings the server found. */
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

  /* The form's line about the package and its list of warnings, as the server gives them. */
  function showPackage(summary, notices) {
    var list = root.querySelector(".scorm-notices");
    if (summary) { root.querySelector(".scorm-package-summary").textContent = summary; }
    list.textContent = "";
    notices.forEach(function (notice) {
      var item = document.createElement("li");
      item.textContent = notice;
      list.appendChild(item);
    });
    list.hidden = notices.length === 0;
  }

  /* `uploaded`: the last piece's answer when a package was sent in pieces (its warnings), else null. */
  function finish(request, uploaded) {
    var body = {};
    try { body = JSON.parse(request.responseText); } catch (ignored) { body = {}; }
    progress.hidden = true;
    if (request.status >= 200 && request.status < 300) {
      var notices = (uploaded ? uploaded.notices : body.notices) || [];
      if (uploaded || (body.notices || []).length) { showPackage((body.package || {}).summary, notices); }
      showStatus(gettext("Saved."), "success");
      notify("save", { state: "end" });
      root.dispatchEvent(new CustomEvent("scorm:saved", { bubbles: true, detail: body }));
    } else {
      showStatus(body.error || gettext("The package could not be saved. Please try again."), "error");
      notify("error", { title: gettext("SCORM package"), message: body.error || "" });
    }
  }

  // ---- the package, in pieces: each request stays below proxy body limits, and a dropped one is resumed ----
  var MAX_RETRIES = 6;

  function jsonRequest(method, url, body) {
    return fetch(url, {
      method: method, credentials: "same-origin", body: body,
      headers: { "X-CSRFToken": csrfToken(), "Content-Type": "application/json" }
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { status: response.status, body: data };
      });
    });
  }

  function sendPiece(uploadId, blob, start, size, onProgress) {
    return new Promise(function (resolve, reject) {
      var request = new XMLHttpRequest();
      var data = new FormData();
      data.append("chunk", blob, "chunk");
      request.open("POST", runtime.handlerUrl(element, "studio_upload_chunk", uploadId));
      request.setRequestHeader("X-CSRFToken", csrfToken());
      request.setRequestHeader("Content-Range", "bytes " + start + "-" + (start + blob.size - 1) + "/" + size);
      request.upload.addEventListener("progress", function (progressEvent) { onProgress(progressEvent.loaded); });
      request.addEventListener("load", function () {
        var body = {};
        try { body = JSON.parse(request.responseText); } catch (ignored) { body = {}; }
        resolve({ status: request.status, body: body });
      });
      request.addEventListener("error", function () { reject(new Error("network")); });
      request.send(data);
    });
  }

  function wait(milliseconds) {
    return new Promise(function (resolve) { setTimeout(resolve, milliseconds); });
  }

  function showProgress(done, size) {
    progress.hidden = false;
    progress.value = Math.round(100 * done / size);
    if (done >= size) {
      showStatus(gettext("Checking and extracting the package..."), "");
    } else {
      showStatus(interpolate(gettext("Uploading: %(done)s of %(size)s MB"),
        { done: (done / 1e6).toFixed(1), size: (size / 1e6).toFixed(1) }), "");
    }
  }

  // While the last piece's request checks and extracts the package, the server keeps how far it is.
  function showExtraction(state) {
    if (!state.files_total) {
      showStatus(gettext("Checking and extracting the package..."), "");
      return;
    }
    progress.hidden = false;
    progress.value = Math.round(100 * (state.bytes_total ? state.bytes_done / state.bytes_total
      : state.files_done / state.files_total));
    showStatus(interpolate(gettext("Extracting the package: %(done)s of %(total)s files (%(size_done)s of %(size_total)s MB)"),
      { done: state.files_done, total: state.files_total, size_done: (state.bytes_done / 1e6).toFixed(1),
        size_total: (state.bytes_total / 1e6).toFixed(1) }), "");
  }

  // Polls studio_upload_status every second until the returned function is called.
  function watchExtraction(uploadId) {
    var watching = true;
    (async function poll() {
      while (watching) {
        await wait(1000);
        var known = watching ? await askStatus(uploadId).catch(function () { return { status: 0, body: {} }; }) : null;
        if (watching && known && known.status === 200 && known.body.state === "processing") {
          showExtraction(known.body);
        }
      }
    })();
    return function stop() { watching = false; };
  }

  function interpolate(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (match, name) { return values[name]; });
  }

  async function askStatus(uploadId) {
    return jsonRequest("GET", runtime.handlerUrl(element, "studio_upload_status", uploadId));
  }

  async function uploadInPieces(file) {
    var started = await jsonRequest("POST", runtime.handlerUrl(element, "studio_upload_start"),
      JSON.stringify({ filename: file.name, size: file.size }));
    if (started.status !== 200) { throw new Error(started.body.error || ""); }
    var uploadId = started.body.upload_id;
    var pieceSize = started.body.chunk_size;
    var offset = 0;
    var retries = 0;
    root.dataset.uploadId = uploadId;
    while (true) {
      var answer;
      var end = Math.min(offset + pieceSize, file.size);
      var stopWatching = end === file.size ? watchExtraction(uploadId) : function () {};
      try {
        var blob = file.slice(offset, end);
        answer = await sendPiece(uploadId, blob, offset, file.size, function (loaded) {
          showProgress(offset + loaded, file.size);
        });
      } catch (networkError) {
        answer = { status: 0, body: {} };
      } finally {
        stopWatching();
      }
      if (answer.status === 200 && answer.body.state === "done") { return answer.body; }
      if (answer.status === 200) { offset = answer.body.received; retries = 0; continue; }
      if (answer.status === 409) { offset = answer.body.received; continue; }
      if (answer.status !== 0 && answer.status < 500) {
        throw new Error(answer.body.error || gettext("The package could not be saved. Please try again."));
      }
      // Dropped connection, proxy timeout or a busy server: ask what arrived, then go on from there.
      if (++retries > MAX_RETRIES) { throw new Error(gettext("The upload was interrupted. Please try again.")); }
      showStatus(gettext("Connection lost; resuming the upload..."), "");
      await wait(1000 * Math.pow(2, retries - 1));
      var known = await askStatus(uploadId).catch(function () { return { status: 0, body: {} }; });
      while (known.status === 200 && known.body.state === "processing") {
        showExtraction(known.body);
        await wait(2000);
        known = await askStatus(uploadId).catch(function () { return { status: 0, body: {} }; });
      }
      if (known.status === 200 && known.body.state === "done") { return known.body; }
      if (known.status === 200 && known.body.state === "failed") { throw new Error(known.body.error || ""); }
      if (known.status === 200) { offset = known.body.received; }
    }
  }

  function submitOptions(uploaded) {
    var request = new XMLHttpRequest();
    var data = new FormData(form);
    data.delete("file");
    request.open("POST", runtime.handlerUrl(element, "studio_submit"));
    request.setRequestHeader("X-CSRFToken", csrfToken());
    request.addEventListener("load", function () { finish(request, uploaded || null); });
    request.addEventListener("error", function () {
      progress.hidden = true;
      showStatus(gettext("The upload was interrupted. Please try again."), "error");
    });
    request.send(data);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var fileInput = form.querySelector("input[type=file]");
    var file = fileInput && fileInput.files && fileInput.files[0];
    notify("save", { state: "start", message: gettext("Saving") });
    if (!file) {
      submitOptions();
      return;
    }
    showProgress(0, file.size);
    uploadInPieces(file).then(function (uploaded) {
      fileInput.value = "";
      submitOptions(uploaded);
    }, function (error) {
      progress.hidden = true;
      var message = error.message || gettext("The package could not be saved. Please try again.");
      showStatus(message, "error");
      notify("error", { title: gettext("SCORM package"), message: message });
    });
  });

  root.querySelector(".cancel-button").addEventListener("click", function () {
    notify("cancel", {});
  });
}
