/* Draws the IOC charts (Chart.js, from npm) from the server's JSON; redraws after each htmx refresh.
   Without JavaScript, or without Chart.js, the tables in the fragment are the dashboard. */
(function () {
  "use strict";
  var charts = [];
  var colors = { received: "#0b4f8a", resolved: "#1e6b34", onTime: "#b35900" };

  function lines(label) {
    /* Long agency names on two or three lines, so a phone shows them whole. */
    var out = [], line = "";
    label.split(" ").forEach(function (word) {
      if (line && (line + " " + word).length > 20) { out.push(line); line = word; } else { line = line ? line + " " + word : word; }
    });
    out.push(line);
    return out;
  }

  function config(kind, data) {
    var text = data.text;
    if (kind === "months") {
      var m = data.months;
      return {
        data: {
          labels: m.labels,
          datasets: [
            { type: "bar", label: text.received, data: m.received, backgroundColor: colors.received, yAxisID: "y", maxBarThickness: 48 },
            { type: "bar", label: text.resolved, data: m.resolved, backgroundColor: colors.resolved, yAxisID: "y", maxBarThickness: 48 },
            { type: "line", label: text.on_time, data: m.on_time, borderColor: colors.onTime,
              backgroundColor: colors.onTime, yAxisID: "pct", spanGaps: true, tension: 0.2 }
          ]
        },
        options: {
          scales: {
            y: { beginAtZero: true, ticks: { precision: 0 } },
            pct: { position: "right", min: 0, max: 100, grid: { drawOnChartArea: false } }
          }
        }
      };
    }
    if (kind === "weeks") {
      var w = data.weeks;
      return {
        type: "bar",
        data: {
          labels: w.labels,
          datasets: [
            { label: text.received, data: w.received, backgroundColor: colors.received, maxBarThickness: 48 },
            { label: text.resolved, data: w.resolved, backgroundColor: colors.resolved, maxBarThickness: 48 }
          ]
        },
        options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
      };
    }
    var r = data.ranking;
    return {
      type: "bar",
      data: { labels: r.labels.map(lines), datasets: [{ label: text.on_time, data: r.on_time, backgroundColor: colors.resolved }] },
      options: {
        indexAxis: "y",
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { afterLabel: function (item) { return r.terms[item.dataIndex]; } } }
        },
        scales: { x: { min: 0, max: 100 } }
      }
    };
  }

  function draw() {
    var source = document.getElementById("ioc-chart-data");
    if (!source || typeof window.Chart === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    charts.forEach(function (chart) { chart.destroy(); });
    charts = [];
    document.querySelectorAll("[data-ioc-chart]").forEach(function (box) {
      var kind = box.getAttribute("data-ioc-chart");
      if (kind === "ranking") {
        box.style.height = Math.max(8, 3 * data.ranking.labels.length + 4) + "rem";
      }
      box.hidden = false;
      var table = box.parentElement.querySelector("details.ioc-table");
      if (table) { table.open = false; }
      var cfg = config(kind, data);
      cfg.options = Object.assign({ responsive: true, maintainAspectRatio: false, animation: false }, cfg.options);
      charts.push(new window.Chart(box.querySelector("canvas"), cfg));
    });
  }

  function fullscreen() {
    var button = document.querySelector(".ioc-fullscreen");
    var target = document.querySelector(".ioc");
    if (!button || !target || !target.requestFullscreen) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      if (document.fullscreenElement) { document.exitFullscreen(); } else { target.requestFullscreen(); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () { draw(); fullscreen(); });
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.target && event.target.id === "ioc-live") { draw(); }
  });
})();
