// Site-wide behaviour kept out of the pages, so the Content-Security-Policy needs no 'unsafe-inline'.
// A form with data-confirm="…" asks before it is sent.
document.addEventListener("submit", function (e) {
  var form = e.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    e.preventDefault();
    e.stopImmediatePropagation();
  }
}, true);
