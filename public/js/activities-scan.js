/*
 * The QR code's page in a browser that already launched Instants: sends the check-in form at once, so that
 * scanning is the only step (the page answers "already present" when shown again). The button stays for
 * browsers without scripts.
 */
(function () {
  'use strict';
  var form = document.querySelector('form[data-autosubmit]');
  if (form) form.submit();
})();
