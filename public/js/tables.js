// A table that scrolls inside its own box on a phone (.table-responsive) must be reachable from the keyboard
// (WCAG 2.1.1; axe "scrollable-region-focusable"): when it overflows and holds nothing focusable, the box
// itself takes the focus, named after the table's caption.
(function () {
  function mark() {
    document.querySelectorAll('.table-responsive').forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      var focusable = box.querySelector('a[href], button, input, select, textarea, [tabindex]');
      if (scrolls && !focusable) {
        box.setAttribute('tabindex', '0');
        box.setAttribute('role', 'region');
        var caption = box.querySelector('caption');
        if (caption && !box.hasAttribute('aria-label')) box.setAttribute('aria-label', caption.textContent.trim());
      } else if (!scrolls && box.getAttribute('tabindex') === '0' && box.getAttribute('role') === 'region') {
        box.removeAttribute('tabindex');
        box.removeAttribute('role');
      }
    });
  }
  mark();
  window.addEventListener('resize', mark);
})();
