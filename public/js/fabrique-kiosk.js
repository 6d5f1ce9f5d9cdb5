// Kiosque: shows one project at a time, every 12 seconds, on a big screen (all are shown without script).
(function () {
  var slides = Array.prototype.slice.call(document.querySelectorAll('[data-slide]'));
  var button = document.getElementById('kiosk-pause');
  if (slides.length < 2) return;
  var current = 0;
  var paused = false;
  function show(i) {
    slides.forEach(function (s, j) { s.hidden = j !== i; });
  }
  show(0);
  if (button) {
    button.hidden = false;
    button.addEventListener('click', function () {
      paused = !paused;
      button.textContent = button.getAttribute(paused ? 'data-play' : 'data-pause');
    });
  }
  window.setInterval(function () {
    if (paused) return;
    current = (current + 1) % slides.length;
    show(current);
  }, 12000);
})();
