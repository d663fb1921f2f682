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

// 大字 (适老化): a larger text size, remembered on this device.
(function () {
  var KEY = "redvest.large-text";
  var root = document.documentElement;
  function apply(on) {
    root.classList.toggle("large-text", on);
    document.querySelectorAll("[data-text-size]").forEach(function (b) {
      b.setAttribute("aria-pressed", on ? "true" : "false");
      b.textContent = on ? "标准字" : "大字";
    });
  }
  var stored = false;
  try { stored = window.localStorage.getItem(KEY) === "1"; } catch (e) { /* private mode: not remembered */ }
  apply(stored);
  document.addEventListener("click", function (e) {
    var button = e.target instanceof Element ? e.target.closest("[data-text-size]") : null;
    if (!button) return;
    var on = !root.classList.contains("large-text");
    try { window.localStorage.setItem(KEY, on ? "1" : "0"); } catch (err) { /* not remembered */ }
    apply(on);
  });
})();
