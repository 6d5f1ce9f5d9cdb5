/*
 * After a form is sent, the page that comes back marks its message (saved, refused) with data-announce:
 * focus moves there, so that screen readers read it (it also carries role="status" or role="alert") and
 * keyboard users continue from it. A send that comes back to a fragment (…#question-q1) has the browser
 * move the focus to that fragment's target once the page has loaded (scroll to the fragment runs the
 * focusing steps), so the message is focused again after the load.
 */
(function () {
  'use strict';
  var message = document.querySelector('[data-announce]');
  if (!message) return;
  if (!message.hasAttribute('tabindex')) message.setAttribute('tabindex', '-1');
  function focus() {
    if (document.activeElement !== message) message.focus({ preventScroll: false });
  }
  focus();
  if (window.location.hash) {
    window.addEventListener('load', function () {
      window.setTimeout(focus, 0);
    });
  }
})();
