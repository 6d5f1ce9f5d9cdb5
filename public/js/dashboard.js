/* Draws each dashboard chart from the JSON beside its canvas (no inline script: CSP script-src 'self'). */
(function () {
  'use strict';
  if (typeof window.Chart === 'undefined') return;
  var palette = ['#0d6efd', '#d63384', '#198754', '#fd7e14', '#6f42c1', '#20c997'];
  document.querySelectorAll('script.chart-data').forEach(function (node) {
    var spec;
    try { spec = JSON.parse(node.textContent || 'null'); } catch { return; }
    var canvas = document.getElementById(node.getAttribute('data-canvas'));
    if (!spec || !canvas) return;
    var percent = Boolean(spec.percent);
    new window.Chart(canvas, {
      type: spec.type,
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (d, i) {
          return { label: d.label, data: d.data, backgroundColor: palette[i % palette.length], borderColor: palette[i % palette.length], spanGaps: false };
        })
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: { y: { beginAtZero: true, ticks: percent ? { callback: function (v) { return Math.round(v * 100) + ' %'; } } : {} } }
      }
    });
    canvas.setAttribute('data-chart-ready', 'true');
  });
})();
