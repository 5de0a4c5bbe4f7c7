// The job page (core/job_detail.html) while its job is queued or running: ask the server how it
// goes every two seconds, move the bar, and load the page again once the job has ended (to
// offer its file). Without JavaScript the page refreshes itself (<noscript> meta refresh).
(function () {
  var box = document.getElementById("job");
  if (!box || !box.dataset.jobStatusUrl) return;
  var url = box.dataset.jobStatusUrl;
  var bar = document.getElementById("job-bar");
  var progress = document.getElementById("job-progress");
  var message = document.getElementById("job-message");
  var status = document.getElementById("job-status");

  function show(state) {
    if (!state.active) {
      window.location.reload();
      return false;
    }
    if (status) status.textContent = state.status_display;
    if (message) message.textContent = state.message;
    if (bar && state.percent !== null) {
      bar.style.width = state.percent + "%";
      bar.textContent = state.percent + "%";
      bar.parentElement.setAttribute("aria-valuenow", state.percent);
    }
    if (progress) {
      progress.textContent = state.total ? state.progress + " / " + state.total : state.progress || "";
    }
    return true;
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (state) {
        if (show(state)) window.setTimeout(poll, 2000);
      })
      .catch(function () {
        window.setTimeout(poll, 5000); // the server restarting, say: try again a little later
      });
  }
  window.setTimeout(poll, 2000);
})();
