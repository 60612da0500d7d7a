/* A long job's page (the voter import …). Progressive enhancement only: without this file the page shows the
   job as it was when loaded, with a link to refresh. No external assets. */
(function () {
  "use strict";

  /* <section data-job-poll="/api/v1/jobs/7/"> with a <progress>, [data-job-percent] and [data-job-stage]:
     ask the API (session cookie) how far the job is, a little less often each time, and reload the page when
     it has finished so that the server shows the results. */
  function follow(box) {
    var url = box.getAttribute("data-job-poll");
    var bar = box.querySelector("progress");
    var percent = box.querySelector("[data-job-percent]");
    var stage = box.querySelector("[data-job-stage]");
    var delay = 600;

    function again(factor, most) {
      delay = Math.min(delay * factor, most);
      window.setTimeout(poll, delay);
    }

    function poll() {
      window.fetch(url + "?limit=0", { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.json();
        })
        .then(function (job) {
          if (bar) { bar.value = job.progress; bar.textContent = job.progress + "%"; }
          if (percent) { percent.textContent = job.progress + "%"; }
          if (stage && job.stage) { stage.textContent = job.stage; }
          if (job.state === "done" || job.state === "failed") {
            window.location.reload();
            return;
          }
          again(1.25, 4000);
        })
        .catch(function () { again(2, 15000); });
    }

    window.setTimeout(poll, delay);
  }

  /* <button data-confirm="…"> asks before submitting its form with that button (app.js asks per form). */
  function confirmButton(event) {
    var button = event.target.closest ? event.target.closest("button[data-confirm]") : null;
    if (button && !window.confirm(button.getAttribute("data-confirm"))) { event.preventDefault(); }
  }

  document.addEventListener("click", confirmButton);
  Array.prototype.forEach.call(document.querySelectorAll("[data-job-poll]"), follow);
}());
