/* The organiser's check-in screen: refreshes the number of people present every 10 seconds. */
(function () {
  'use strict';
  var el = document.getElementById('checkin-count');
  if (!el || !window.fetch) return;
  var url = el.getAttribute('data-count-url');
  var template = el.getAttribute('data-template') || '{n}';
  var last = null;
  function refresh() {
    fetch(url, { headers: { accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (res) {
        return res.ok ? res.json() : null;
      })
      .then(function (body) {
        if (body && typeof body.present === 'number' && body.present !== last) {
          last = body.present;
          el.textContent = template.replace('{n}', String(body.present));
        }
      })
      .catch(function () {
        /* offline for a moment: the next refresh will try again */
      });
  }
  window.setInterval(refresh, 10000);
})();
