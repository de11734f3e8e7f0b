// Channel dashboard: two grouped bar charts from the data the page embeds (json_script).
(function () {
  function draw() {
    var source = document.getElementById("channel-chart-data");
    if (!source || typeof Chart === "undefined") return;
    var data = JSON.parse(source.textContent);
    var options = { responsive: true, maintainAspectRatio: false, scales: { y: { beginAtZero: true } } };
    new Chart(document.getElementById("channel-amounts"), {
      type: "bar", data: { labels: data.labels, datasets: data.datasets }, options: options,
    });
    new Chart(document.getElementById("channel-leads"), {
      type: "bar", data: { labels: data.labels, datasets: data.leads }, options: options,
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
