// Live SLA countdowns on the dispatcher board: every [data-due] ticks each second, red once overdue.
// The rows themselves are refreshed by htmx; this only redraws the clocks between refreshes.
(function () {
  function pad(n) { return String(n).padStart(2, "0"); }
  function fmt(seconds) {
    var s = Math.abs(seconds), h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    return (h ? h + ":" + pad(m) : m) + ":" + pad(r);
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-due]").forEach(function (el) {
      var left = Math.round((Date.parse(el.dataset.due) - now) / 1000);
      el.textContent = left >= 0 ? "剩余 " + fmt(left) : "超时 " + fmt(left);
      el.classList.toggle("overdue", left < 0);
      var row = el.closest("tr");
      if (row) { row.classList.toggle("overdue", left < 0 || row.dataset.breached === "1"); }
    });
  }
  tick();
  setInterval(tick, 1000);
  document.addEventListener("htmx:afterSwap", tick);
})();
