// Site-wide behaviour kept out of the pages, so the Content-Security-Policy needs no 'unsafe-inline'.
// A form with data-confirm="…" asks before it is sent.
document.addEventListener("submit", function (e) {
  var form = e.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    e.preventDefault();
    e.stopImmediatePropagation();
  }
}, true);

// A link with data-history-back goes back a page when there is one (its href is the fallback).
document.addEventListener("click", function (e) {
  var link = e.target instanceof Element ? e.target.closest("a[data-history-back]") : null;
  if (link && window.history.length > 1) {
    e.preventDefault();
    window.history.back();
  }
});
