/*
 * After a form is sent, the page that comes back marks its message (saved, refused) with data-announce:
 * focus moves there, so that screen readers read it (it also carries role="status" or role="alert") and
 * keyboard users continue from it.
 */
(function () {
  'use strict';
  var message = document.querySelector('[data-announce]');
  if (!message) return;
  if (!message.hasAttribute('tabindex')) message.setAttribute('tabindex', '-1');
  message.focus({ preventScroll: false });
})();
