/*
 * The quiz editor of the organisers' activities form: adds, moves and deletes questions and answers in the
 * page, keeps the field names in order (q0-text, q0-c1-correct…), puts the focus where the action leaves it,
 * announces each change to screen readers and keeps the participants' preview up to date. Progressive
 * enhancement: without this script the same buttons post the form and the server does the same; "import"
 * and "save" always post. Every text comes from the page (labels, templates, #quiz-editor-messages).
 */
(function () {
  'use strict';
  var editor = document.getElementById('quiz-editor');
  var form = document.getElementById('activities-form');
  var messagesNode = document.getElementById('quiz-editor-messages');
  if (!editor || !form || !messagesNode || !('content' in document.createElement('template'))) return;
  var messages;
  try {
    messages = JSON.parse(messagesNode.textContent);
  } catch {
    return;
  }
  var list = editor.querySelector('[data-questions]');
  var status = document.getElementById('quiz-editor-status');
  var preview = document.getElementById('quiz-preview');
  var none = document.getElementById('quiz-none');
  var certainty = document.getElementById('quiz_certainty');
  var questionTemplate = document.getElementById('quiz-question-template');
  var choiceTemplate = document.getElementById('quiz-choice-template');
  var maxQuestions = Number(editor.getAttribute('data-max-questions')) || 20;
  var maxChoices = Number(editor.getAttribute('data-max-choices')) || 8;

  function fill(key, vars) {
    return String(messages[key] || '').replace(/\{(\w+)\}/g, function (match, name) {
      return vars && vars[name] !== undefined ? String(vars[name]) : match;
    });
  }
  function children(parent, selector) {
    return Array.prototype.filter.call(parent.children, function (el) {
      return el.matches(selector);
    });
  }
  function questions() {
    return children(list, '[data-question]');
  }
  function choicesOf(question) {
    return children(question.querySelector('[data-choices]'), '[data-choice]');
  }
  function byId(id) {
    return document.getElementById(id);
  }

  // Attributes that carry a field's position; a button's value is its action (q2-up), never user text.
  var ATTRIBUTES = ['id', 'name', 'for', 'aria-describedby'];
  function rewrite(root, pattern, replacement) {
    [root].concat(Array.prototype.slice.call(root.querySelectorAll('*'))).forEach(function (node) {
      var names = node.matches('button[name="op"]') ? ATTRIBUTES.concat('value') : ATTRIBUTES;
      names.forEach(function (name) {
        var value = node.getAttribute(name);
        if (value) node.setAttribute(name, value.replace(pattern, replacement));
      });
    });
  }
  function setTexts(root, vars) {
    root.querySelectorAll('[data-msg]').forEach(function (el) {
      el.textContent = fill(el.getAttribute('data-msg'), vars);
    });
    root.querySelectorAll('[data-msg-aria]').forEach(function (el) {
      el.setAttribute('aria-label', fill(el.getAttribute('data-msg-aria'), vars));
    });
  }
  function showEnds(prefix, index, count) {
    var up = byId(prefix + '-up');
    var down = byId(prefix + '-down');
    if (up) up.hidden = index === 0;
    if (down) down.hidden = index === count - 1;
  }

  /** Gives every field the name and id of its position, and every label and button its numbers. */
  function renumber() {
    var all = questions();
    all.forEach(function (question, i) {
      rewrite(question, /(^|\s)q(?:\d+|__Q__)(?=-)/g, '$1q' + i);
      setTexts(question, { q: i + 1 });
      var choices = choicesOf(question);
      choices.forEach(function (choice, j) {
        rewrite(choice, /(^|\s)q(\d+)-c(?:\d+|__C__)(?=-)/g, '$1q$2-c' + j);
        setTexts(choice, { q: i + 1, c: j + 1 });
        showEnds('q' + i + '-c' + j, j, choices.length);
      });
      showEnds('q' + i, i, all.length);
    });
    if (none) none.hidden = all.length > 0;
  }

  var lastAnnounce = '';
  function announce(text) {
    // The same words twice in a row are still read out: vary the region's content invisibly.
    lastAnnounce = text === lastAnnounce ? text + '\u00a0' : text;
    if (status) status.textContent = lastAnnounce;
  }
  function focus(id, fallback) {
    var el = byId(id);
    if (!el || el.hidden) el = fallback ? byId(fallback) : null;
    if (el) el.focus();
  }
  function clone(template) {
    return template.content.firstElementChild.cloneNode(true);
  }
  function changed(message) {
    renumber();
    renderPreview();
    announce(message + ' ' + fill('unsaved'));
  }

  function act(op) {
    var m;
    var all = questions();
    if (op === 'add-question') {
      if (all.length >= maxQuestions) return announce(fill('too_many_questions'));
      list.appendChild(clone(questionTemplate));
      changed(fill('question_added', { q: all.length + 1 }));
      return focus('q' + all.length + '-text');
    }
    if ((m = /^q(\d+)-(up|down|delete|add-choice)$/.exec(op))) {
      var q = Number(m[1]);
      var question = all[q];
      if (!question) return;
      if (m[2] === 'add-choice') {
        var count = choicesOf(question).length;
        if (count >= maxChoices) return announce(fill('too_many_choices'));
        question.querySelector('[data-choices]').appendChild(clone(choiceTemplate));
        changed(fill('choice_added', { q: q + 1, c: count + 1 }));
        return focus('q' + q + '-c' + count + '-text');
      }
      if (m[2] === 'delete') {
        question.remove();
        changed(fill('question_deleted', { q: q + 1 }));
        return focus('q' + Math.min(q, all.length - 2) + '-text', 'quiz-add-question');
      }
      var to = m[2] === 'up' ? q - 1 : q + 1;
      if (to < 0 || to >= all.length) return;
      if (m[2] === 'up') list.insertBefore(question, all[to]);
      else list.insertBefore(all[to], question);
      changed(fill('question_moved', { from: q + 1, to: to + 1 }));
      return focus('q' + to + '-' + m[2], 'q' + to + '-' + (m[2] === 'up' ? 'down' : 'up'));
    }
    if ((m = /^q(\d+)-c(\d+)-(up|down|delete)$/.exec(op))) {
      var qi = Number(m[1]);
      var c = Number(m[2]);
      var owner = all[qi];
      var choices = owner ? choicesOf(owner) : [];
      var choice = choices[c];
      if (!choice) return;
      if (m[3] === 'delete') {
        choice.remove();
        changed(fill('choice_deleted', { q: qi + 1, c: c + 1 }));
        return focus('q' + qi + '-c' + Math.min(c, choices.length - 2) + '-text', 'q' + qi + '-add-choice');
      }
      var target = m[3] === 'up' ? c - 1 : c + 1;
      if (target < 0 || target >= choices.length) return;
      var box = owner.querySelector('[data-choices]');
      if (m[3] === 'up') box.insertBefore(choice, choices[target]);
      else box.insertBefore(choices[target], choice);
      changed(fill('choice_moved', { q: qi + 1, from: c + 1, to: target + 1 }));
      var prefix = 'q' + qi + '-c' + target + '-';
      return focus(prefix + m[3], prefix + (m[3] === 'up' ? 'down' : 'up'));
    }
  }

  form.addEventListener('click', function (event) {
    var button = event.target.closest ? event.target.closest('button[name="op"]') : null;
    if (!button || (!list.contains(button) && button.id !== 'quiz-add-question')) return;
    event.preventDefault();
    act(button.value);
  });

  function element(tag, className, text) {
    var el = document.createElement(tag);
    if (className) el.className = className;
    if (text !== undefined) el.textContent = text;
    return el;
  }
  function value(id) {
    var el = byId(id);
    return el ? el.value.trim() : '';
  }
  function ticked(id) {
    var el = byId(id);
    return Boolean(el && el.checked);
  }

  /** Draws the preview as the participants' quiz page does (public/js and views/partials/activities/quiz-preview.hbs agree). */
  function renderPreview() {
    if (!preview) return;
    preview.textContent = '';
    var all = questions();
    if (!all.length) return preview.appendChild(element('p', 'small mb-0', fill('preview_none')));
    all.forEach(function (question, i) {
      var multiple = ticked('q' + i + '-multiple');
      var choices = choicesOf(question).map(function (_, j) {
        var base = 'q' + i + '-c' + j;
        return { text: value(base + '-text') || fill('preview_empty_choice'), correct: ticked(base + '-correct'), feedback: value(base + '-feedback') };
      });
      var card = element('div', 'card mb-3');
      var body = card.appendChild(element('div', 'card-body'));
      var fieldset = body.appendChild(element('fieldset'));
      fieldset.disabled = true;
      var legend = fieldset.appendChild(element('legend', 'fs-6 fw-semibold', i + 1 + '. ' + (value('q' + i + '-text') || fill('preview_empty_question'))));
      if (multiple) {
        legend.appendChild(document.createTextNode(' '));
        legend.appendChild(element('span', 'small text-body-secondary', '(' + fill('several') + ')'));
      }
      choices.forEach(function (choice, j) {
        var row = fieldset.appendChild(element('div', 'form-check'));
        var input = row.appendChild(element('input', 'form-check-input'));
        input.type = multiple ? 'checkbox' : 'radio';
        input.id = 'pv-q' + i + '-c' + j;
        input.name = 'pv-q' + (i + 1);
        var label = row.appendChild(element('label', 'form-check-label', choice.text));
        label.htmlFor = input.id;
      });
      var sure = body.appendChild(element('div', 'mt-2'));
      sure.hidden = !(certainty && certainty.checked);
      var sureLabel = sure.appendChild(element('label', 'form-label small', fill('certainty')));
      var select = sure.appendChild(element('select', 'form-select form-select-sm w-auto'));
      select.id = 'pv-q' + (i + 1) + '-certainty';
      select.disabled = true;
      select.appendChild(element('option', '', fill('choose')));
      sureLabel.htmlFor = select.id;
      body.appendChild(element('p', 'small fw-semibold mt-2 mb-1', fill('preview_after')));
      var after = body.appendChild(element('ul', 'small mb-0 ps-3'));
      choices.forEach(function (choice) {
        var item = after.appendChild(element('li', '', choice.text));
        if (choice.correct) {
          item.appendChild(document.createTextNode(' '));
          item.appendChild(element('span', 'badge text-bg-success', fill('right_answer')));
        }
        if (choice.feedback) {
          item.appendChild(element('br'));
          item.appendChild(element('span', 'text-body-secondary', choice.feedback));
        }
      });
      preview.appendChild(card);
    });
  }

  var pending = false;
  function schedule(event) {
    if (event.target !== certainty && !list.contains(event.target)) return;
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () {
      pending = false;
      renderPreview();
    });
  }
  form.addEventListener('input', schedule);
  form.addEventListener('change', schedule);
  renumber();
})();
