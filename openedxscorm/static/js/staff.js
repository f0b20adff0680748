/* Course staff's results panel of a SCORM block: look a learner up, show their results per SCO, reset their attempt.
   Wires every panel of the page once; the handler URLs come from the panel's data attributes. */
(function () {
  "use strict";
  var _ = window.gettext || function (text) { return text; };
  var CELLS = ["sco_title", "completion", "success", "score", "total_time_seconds", "attempt", "sessions",
               "suspend_data_size", "interactions", "objectives"];

  function csrfToken() {
    var found = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return found ? decodeURIComponent(found[1]) : "";
  }

  function show(panel, learner, body) {
    var results = panel.querySelector(".scorm-staff-results");
    var rows = panel.querySelector(".scorm-staff-table tbody");
    rows.textContent = "";
    body.scos.forEach(function (sco) {
      var row = document.createElement("tr");
      CELLS.forEach(function (name, index) {
        var cell = document.createElement(index === 0 ? "th" : "td");
        if (index === 0) { cell.setAttribute("scope", "row"); }
        var value = sco[name];
        cell.textContent = value === null || value === undefined || value === "" ? "-" : String(value);
        row.appendChild(cell);
      });
      rows.appendChild(row);
    });
    panel.querySelector(".scorm-staff-caption").textContent =
      interpolate(_("Results of %(username)s (%(email)s)"), body.learner, true);
    panel.querySelector(".scorm-staff-last-access").textContent = body.started
      ? interpolate(_("Last access: %(when)s"), {when: body.last_access}, true)
      : _("This learner has not started this component.");
    // Learner state is kept per package version: say which one the table shows, and which others were played.
    var earlier = (body.other_versions || []).map(function (version) { return version.package_sha1.slice(0, 8); });
    panel.querySelector(".scorm-staff-versions").textContent =
      interpolate(_("Package version: %(sha1)s"), {sha1: (body.package_sha1 || "").slice(0, 8)}, true) +
      (earlier.length ? " " + interpolate(_("Earlier versions played: %(versions)s"),
        {versions: earlier.join(", ")}, true) : "");
    panel.querySelector(".scorm-staff-reset").hidden = !body.started;
    panel.setAttribute("data-learner", learner);
    results.hidden = false;
  }

  function interpolate(text, values) {
    if (window.interpolate) { return window.interpolate(text, values, true); }
    return text.replace(/%\((\w+)\)s/g, function (match, name) { return values[name]; });
  }

  function lookUp(panel, learner) {
    var status = panel.querySelector(".scorm-staff-status");
    status.textContent = _("Loading...");
    var url = panel.getAttribute("data-results-url");
    fetch(url + (url.indexOf("?") < 0 ? "?" : "&") + "learner=" + encodeURIComponent(learner),
          {credentials: "same-origin"})
      .then(function (response) { return response.json().then(function (body) { return [response.ok, body]; }); })
      .then(function (answer) {
        if (!answer[0]) {
          panel.querySelector(".scorm-staff-results").hidden = true;
          status.textContent = answer[1].error || _("The results could not be loaded.");
          return;
        }
        status.textContent = "";
        show(panel, learner, answer[1]);
      })
      .catch(function () { status.textContent = _("The results could not be loaded."); });
  }

  function reset(panel) {
    var learner = panel.getAttribute("data-learner");
    if (!learner || !window.confirm(_("Reset this learner's attempt? Their SCORM progress in this component is erased."))) {
      return;
    }
    var form = new FormData();
    form.append("learner", learner);
    form.append("confirm", "reset");
    var status = panel.querySelector(".scorm-staff-status");
    fetch(panel.getAttribute("data-reset-url"), {method: "POST", body: form, credentials: "same-origin",
                                                 headers: {"X-CSRFToken": csrfToken()}})
      .then(function (response) { return response.json(); })
      .then(function (body) {
        status.textContent = body.message || body.error || "";
        lookUp(panel, learner);
        panel.querySelector("input[name=learner]").focus();
      })
      .catch(function () { status.textContent = _("The attempt could not be reset."); });
  }

  function wire(panel) {
    if (panel.getAttribute("data-wired")) { return; }
    panel.setAttribute("data-wired", "1");
    panel.querySelector(".scorm-staff-search").addEventListener("submit", function (event) {
      event.preventDefault();
      var learner = panel.querySelector("input[name=learner]").value.trim();
      if (learner) { lookUp(panel, learner); }
    });
    panel.querySelector(".scorm-staff-reset").addEventListener("click", function () { reset(panel); });
  }

  function wireAll() { Array.prototype.forEach.call(document.querySelectorAll(".scorm-staff-panel"), wire); }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", wireAll);
  } else {
    wireAll();
  }
}());
