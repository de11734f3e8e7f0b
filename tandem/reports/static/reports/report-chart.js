/* Draws report charts (Chart.js) for reports/_chart.html, on page load and after every HTMX swap.
 * Each canvas[data-report-chart] names the id of a json_script holding the chart data
 * (see tandem/reports/charts.py for its shape). Reused by dashboards. */
(function () {
  var TYPES = { bar: "bar", stacked_bar: "bar", line: "line", donut: "doughnut", funnel: "bar" };
  var RED = "#dc3545", AMBER = "#ffc107", GREEN = "#198754", GREY = "#e9ecef";

  function gauge(canvas, d) {
    // A half doughnut: the value in the colour of its range, the rest of the dial in grey.
    var max = Math.max(d.target, d.value, 0.000001);
    var value = Math.max(0, Math.min(d.value, max));
    var colour = d.value < d.ranges[0] ? RED : d.value < d.ranges[1] ? AMBER : GREEN;
    return new Chart(canvas, {
      type: "doughnut",
      data: { labels: [d.label, ""], datasets: [{ data: [value, max - value], backgroundColor: [colour, GREY], borderWidth: 0 }] },
      options: {
        responsive: true, maintainAspectRatio: false, rotation: -90, circumference: 180, cutout: "70%",
        plugins: { legend: { display: false }, tooltip: { filter: function (item) { return item.dataIndex === 0; } } },
      },
    });
  }

  function draw(root) {
    root.querySelectorAll("canvas[data-report-chart]").forEach(function (canvas) {
      if (canvas._chart || typeof Chart === "undefined") return;
      var source = document.getElementById(canvas.dataset.reportChart);
      if (!source) return;
      var d = JSON.parse(source.textContent);
      if (d.type === "gauge") { canvas._chart = gauge(canvas, d); return; }
      if (!d.datasets) return;
      var type = TYPES[d.type] || "bar";
      var options = {
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { display: d.datasets.length > 1 || type === "doughnut" } },
      };
      if (d.type === "stacked_bar") options.scales = { x: { stacked: true }, y: { stacked: true } };
      if (d.type === "funnel") {
        // Stages top to bottom, bars centred: the widest stage on top reads as a funnel.
        options.indexAxis = "y";
        options.scales = { x: { stacked: true, display: false }, y: { stacked: true } };
        var widest = Math.max.apply(null, d.datasets[0].data.concat([0]));
        var pad = d.datasets[0].data.map(function (v) { return (widest - v) / 2; });
        d.datasets = [{ label: "", data: pad, backgroundColor: "transparent" }].concat(d.datasets);
        options.plugins.legend.display = false;
        options.plugins.tooltip = { filter: function (item) { return item.datasetIndex > 0; } };
      }
      canvas._chart = new Chart(canvas, { type: type, data: { labels: d.labels, datasets: d.datasets }, options: options });
    });
  }
  window.TandemReportCharts = { draw: draw };
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSwap", function (e) { draw(e.target); });
})();
