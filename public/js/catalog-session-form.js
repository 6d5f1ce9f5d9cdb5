/* Session form: shows the place for in-person and hybrid sessions and the joining link for hybrid and remote
   ones. Progressive enhancement only: without script both fields show and the server checks the rules. */
(function () {
  'use strict';
  var form = document.getElementById('session-form');
  var format = form && form.querySelector('#format');
  if (!format) return;
  function box(id) {
    var field = document.getElementById(id);
    return field ? field.closest('.mb-3') : null;
  }
  var place = box('place');
  var link = box('remoteUrl');
  function sync() {
    if (place) place.hidden = format.value === 'remote';
    if (link) link.hidden = format.value === 'in_person';
  }
  format.addEventListener('change', sync);
  sync();
})();
