/* Draws dashboard charts (Chart.js) on load and after every HTMX swap; a click on a bar,
   point or slice opens the report filtered to that group. */
(function () {
  var TYPES = { bar: "bar", stacked_bar: "bar", line: "line", donut: "doughnut", funnel: "bar" };
  var LEGEND_MAX = 8;
  function draw(root) {
    root.querySelectorAll("canvas[data-dashboard-chart]").forEach(function (canvas) {
      if (canvas._chart || typeof Chart === "undefined") return;
      var source = document.getElementById(canvas.dataset.dashboardChart);
      if (!source) return;
      var d = JSON.parse(source.textContent);
      var type = TYPES[d.type] || "bar";
      var hrefs = d.hrefs || [];
      var options = {
        responsive: true,
        maintainAspectRatio: false,
        // Past LEGEND_MAX series the legend would crowd out the chart (and colours repeat):
        // the tooltip names every series of the hovered bar instead.
        plugins: {
          legend: { display: type === "doughnut" || (d.datasets.length > 1 && d.datasets.length <= LEGEND_MAX) },
          tooltip: d.datasets.length > LEGEND_MAX ? { mode: "index", intersect: false } : {},
        },
        onClick: function (event, elements) {
          if (!elements.length) return;
          var el = elements[0];
          var row = hrefs[el.datasetIndex] || hrefs[0] || [];
          var href = row[el.index];
          if (href) window.location.href = href;
        },
        onHover: function (event, elements) {
          event.native.target.style.cursor = elements.length && hrefs.length ? "pointer" : "default";
        },
      };
      if (d.type === "stacked_bar") options.scales = { x: { stacked: true }, y: { stacked: true } };
      if (d.type === "funnel") options.indexAxis = "y";
      if (d.axis && type !== "doughnut") {
        options.scales = options.scales || {};
        var valueAxis = d.type === "funnel" ? "x" : "y";
        options.scales[valueAxis] = Object.assign(options.scales[valueAxis] || {}, { title: { display: true, text: d.axis } });
      }
      canvas._chart = new Chart(canvas, { type: type, data: { labels: d.labels, datasets: d.datasets }, options: options });
    });
  }
  function start() { draw(document); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
  document.addEventListener("htmx:afterSwap", function () { draw(document); });
})();
