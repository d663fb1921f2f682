// Show the service's message (a 4xx partial) in place of the row instead of dropping it.
document.addEventListener("htmx:beforeSwap", function (e) {
  if (e.detail.xhr.status >= 400 && e.detail.xhr.status < 500) { e.detail.shouldSwap = true; e.detail.isError = false; }
});
