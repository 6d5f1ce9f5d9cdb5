/* Draws each dashboard chart from the JSON beside its canvas (no inline script: CSP script-src 'self'). */
(function () {
  'use strict';
  if (typeof window.Chart === 'undefined') return;
  var palette = ['#0d6efd', '#d63384', '#198754', '#fd7e14', '#6f42c1', '#20c997'];
  var percentTicks = { callback: function (v) { return Math.round(v * 100) + ' %'; } };
  document.querySelectorAll('script.chart-data').forEach(function (node) {
    var spec;
    try { spec = JSON.parse(node.textContent || 'null'); } catch { return; }
    var canvas = document.getElementById(node.getAttribute('data-canvas'));
    if (!spec || !canvas) return;
    var percent = Boolean(spec.percent);
    var scales = { y: { beginAtZero: true, ticks: percent ? percentTicks : {}, title: spec.yTitle ? { display: true, text: spec.yTitle } : undefined } };
    // A second axis on the right for datasets of another unit (e.g. gains 0–1 beside session counts).
    if (spec.datasets.some(function (d) { return d.axis === 'y2'; })) {
      scales.y2 = { position: 'right', beginAtZero: true, grid: { drawOnChartArea: false }, title: spec.y2Title ? { display: true, text: spec.y2Title } : undefined };
    }
    new window.Chart(canvas, {
      type: spec.type,
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (d, i) {
          return { label: d.label, data: d.data, yAxisID: d.axis === 'y2' ? 'y2' : 'y', backgroundColor: palette[i % palette.length], borderColor: palette[i % palette.length], spanGaps: false };
        })
      },
      options: { responsive: true, maintainAspectRatio: false, animation: false, scales: scales }
    });
    canvas.setAttribute('data-chart-ready', 'true');
  });
})();
