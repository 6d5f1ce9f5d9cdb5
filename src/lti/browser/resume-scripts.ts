/**
 * Scripts of the cookie help page and of the deep-linking answer (served by /lti, CSP 'self').
 *
 * The help page opens Instants in a window named `instants-resume` (window.open keeps `opener`, which a
 * `target=_blank` form would drop) and posts the single-use resume token there. In that window the
 * browser keeps first-party cookies. For "Sélectionner le contenu", Moodle expects the answer in its own
 * frame (`contentitem_return.php` calls `parent.processContentItemReturnData`): the answer page in the new
 * window hands the signed JWT to the help page that opened it (same origin only), which posts it to the
 * return URL of its own launch, inside Moodle's frame.
 */
export const COOKIES_JS = `(function () {
  var form = document.getElementById('lti-resume');
  if (!form) return;
  var popup = null;
  form.addEventListener('submit', function () {
    popup = window.open('', 'instants-resume');
    if (popup) form.target = 'instants-resume';
    document.getElementById('lti-resume-opened').hidden = false;
  });
  var expected = form.getAttribute('data-return-url');
  window.addEventListener('message', function (e) {
    var d = e.data;
    if (!expected || e.origin !== location.origin || !popup || e.source !== popup || !d || d.subject !== 'instants.deep_linking_response') return;
    if (d.action !== expected || typeof d.jwt !== 'string') return;
    document.getElementById('lti-dl-sending').hidden = false;
    var f = document.createElement('form');
    f.method = 'post';
    f.action = expected;
    var i = document.createElement('input');
    i.type = 'hidden';
    i.name = 'JWT';
    i.value = d.jwt;
    f.appendChild(i);
    document.body.appendChild(f);
    f.submit();
  });
})();
`;

export const AUTOSUBMIT_JS = `(function () {
  var form = document.getElementById('lti-autosubmit');
  var opener = null;
  try {
    opener = window.name === 'instants-resume' && window.opener && window.opener !== window ? window.opener : null;
  } catch (e) { opener = null; }
  if (opener) {
    opener.postMessage({ subject: 'instants.deep_linking_response', action: form.action, jwt: form.elements.JWT.value }, location.origin);
    form.hidden = true;
    var sending = document.getElementById('lti-sending');
    var done = document.getElementById('lti-handed-over');
    if (sending) sending.hidden = true;
    if (done) done.hidden = false;
    setTimeout(function () { window.close(); }, 1500);
    return;
  }
  form.submit();
})();
`;
