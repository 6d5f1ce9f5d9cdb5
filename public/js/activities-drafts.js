/*
 * Keeps what a participant typed or ticked in an activity form (forms with data-draft) in the tab's
 * sessionStorage, so a reload, a lost connection or a refused send does not lose an unsaved answer.
 * Answers already sent are kept by the server; this only covers the ones not sent yet.
 */
(function () {
  'use strict';
  var store;
  try {
    store = window.sessionStorage;
    store.setItem('instants-draft-test', '1');
    store.removeItem('instants-draft-test');
  } catch {
    return; // storage refused (privacy settings): the page works without drafts
  }
  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== '_csrf' && el.type !== 'hidden' && el.type !== 'submit' && el.type !== 'button';
    });
  }
  function read(form) {
    var data = {};
    fields(form).forEach(function (el) {
      if ((el.type === 'checkbox' || el.type === 'radio') && !el.checked) return;
      (data[el.name] = data[el.name] || []).push(el.value);
    });
    return data;
  }
  function restore(form, data) {
    fields(form).forEach(function (el) {
      var values = data[el.name];
      if (!values) return;
      if (el.type === 'checkbox' || el.type === 'radio') el.checked = values.indexOf(el.value) !== -1;
      else if (!el.value) el.value = values[0];
    });
  }
  document.querySelectorAll('form[data-draft]').forEach(function (form) {
    var key = 'instants-draft:' + form.getAttribute('data-draft');
    try {
      var saved = JSON.parse(store.getItem(key) || 'null');
      if (saved && typeof saved === 'object') restore(form, saved);
    } catch {
      store.removeItem(key);
    }
    var save = function () {
      store.setItem(key, JSON.stringify(read(form)));
    };
    form.addEventListener('input', save);
    form.addEventListener('change', save);
    // Kept when the form is sent: a refused answer comes back with it (the server shows it again too), and
    // a saved one no longer has a form on the page, so its draft is never restored.
    form.addEventListener('submit', save);
  });
})();
