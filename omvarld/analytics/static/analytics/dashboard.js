// Draws the analytics dashboard's charts with Chart.js from the data each section carries in a
// json_script element. Series differ by point shape, dash and fill pattern, not by colour alone;
// every chart has the same figures in a table beside it.
(function () {
  "use strict";
  // Okabe–Ito: distinguishable with the common colour-vision deficiencies.
  var COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"];
  var POINTS = ["circle", "triangle", "rect", "crossRot", "star", "rectRot"];
  var DASHES = [[], [8, 4], [2, 3], [12, 3, 2, 3], [4, 4], [1, 6]];

  function pattern(colour, kind) {
    var size = 8;
    var c = document.createElement("canvas");
    c.width = size;
    c.height = size;
    var g = c.getContext("2d");
    g.fillStyle = "#ffffff";
    g.fillRect(0, 0, size, size);
    g.strokeStyle = colour;
    g.fillStyle = colour;
    g.lineWidth = 2;
    if (kind === 0) {
      g.fillRect(0, 0, size, size);
    } else if (kind === 1) {
      g.beginPath(); g.moveTo(0, size); g.lineTo(size, 0); g.stroke();
    } else if (kind === 2) {
      g.beginPath(); g.arc(size / 2, size / 2, 2, 0, 2 * Math.PI); g.fill();
    } else {
      g.beginPath(); g.moveTo(0, size / 2); g.lineTo(size, size / 2); g.moveTo(size / 2, 0); g.lineTo(size / 2, size); g.stroke();
    }
    return g.createPattern(c, "repeat");
  }

  function draw(canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source || typeof Chart === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var line = data.type === "line";
    var datasets = data.datasets.map(function (d, i) {
      var colour = COLOURS[i % COLOURS.length];
      return line ? {
        label: d.label, data: d.data, borderColor: colour, backgroundColor: colour,
        pointStyle: POINTS[i % POINTS.length], pointRadius: 4, borderDash: DASHES[i % DASHES.length], tension: 0.1
      } : {
        label: d.label, data: d.data, borderColor: colour, borderWidth: 1,
        backgroundColor: pattern(colour, i % 4)
      };
    });
    if (!line) {
      // Bars run sideways so long names stay readable.
      canvas.parentNode.style.setProperty("--bars", String(data.labels.length * datasets.length));
    }
    new Chart(canvas, {
      type: line ? "line" : "bar",
      data: { labels: data.labels, datasets: datasets },
      options: {
        indexAxis: line ? "x" : "y",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: {
          legend: { display: datasets.length > 1, labels: { usePointStyle: line } },
          title: { display: false }
        },
        scales: line ? { y: { beginAtZero: true } } : { x: { beginAtZero: true } }
      }
    });
  }

  function start() {
    var canvases = document.querySelectorAll("canvas[data-chart]");
    for (var i = 0; i < canvases.length; i++) { draw(canvases[i]); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
