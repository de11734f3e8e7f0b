/* Draws report charts (Chart.js) on page load and after every HTMX swap of a preview. */
(function () {
  var TYPES = { bar: "bar", stacked_bar: "bar", line: "line", donut: "doughnut", funnel: "bar" };
  function draw(root) {
    root.querySelectorAll("canvas[data-report-chart]").forEach(function (canvas) {
      if (canvas._chart || typeof Chart === "undefined") return;
      var source = document.getElementById(canvas.dataset.reportChart);
      if (!source) return;
      var d = JSON.parse(source.textContent);
      var type = TYPES[d.type] || "bar";
      var options = {
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { display: d.datasets.length > 1 || type === "doughnut" } },
      };
      if (d.type === "stacked_bar") options.scales = { x: { stacked: true }, y: { stacked: true } };
      if (d.type === "funnel") options.indexAxis = "y";
      canvas._chart = new Chart(canvas, { type: type, data: { labels: d.labels, datasets: d.datasets }, options: options });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSwap", function (e) { draw(e.target); });
})();
