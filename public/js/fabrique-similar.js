// Similar proposals while typing a title (progressive enhancement: the form works without it).
(function () {
  var input = document.getElementById('title');
  var box = document.getElementById('similar');
  if (!input || !box) return;
  var timer;
  var last = '';
  function show(list) {
    box.textContent = '';
    if (!list.length) { box.hidden = true; return; }
    var p = document.createElement('p');
    p.className = 'mb-1 fw-semibold';
    p.textContent = box.getAttribute('data-label');
    var ul = document.createElement('ul');
    ul.className = 'mb-0';
    list.forEach(function (item) {
      var li = document.createElement('li');
      var a = document.createElement('a');
      a.href = item.url;
      a.textContent = item.title;
      li.appendChild(a);
      li.appendChild(document.createTextNode(' (' + item.stage + ')'));
      ul.appendChild(li);
    });
    box.appendChild(p);
    box.appendChild(ul);
    box.className = 'alert alert-warning mb-3';
    box.hidden = false;
  }
  input.addEventListener('input', function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      var title = input.value.trim();
      if (title === last) return;
      last = title;
      if (title.length < 4) { show([]); return; }
      fetch('/fabrique/proposals/similar?title=' + encodeURIComponent(title), { headers: { accept: 'application/json' }, credentials: 'same-origin' })
        .then(function (r) { return r.ok ? r.json() : { similar: [] }; })
        .then(function (data) { if (input.value.trim() === title) show(data.similar || []); })
        .catch(function () { show([]); });
    }, 250);
  });
})();
