// The 96345 console, keyboard only: Ctrl+Enter submits, Alt+1…5 jumps to a field, typing an item code
// (e.g. YL010) in the code box picks the item, Alt+F fills the form from a known caller.
(function () {
  var form = document.getElementById("intake-form");
  if (!form) { return; }
  var jumps = { "1": "id_caller_phone", "2": "id_item_code", "3": "id_description", "4": "id_address", "5": "id_urgency" };
  document.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); form.requestSubmit(); return; }
    if (e.altKey && jumps[e.key]) { e.preventDefault(); var el = document.getElementById(jumps[e.key]); if (el) { el.focus(); } return; }
    if (e.altKey && (e.key === "f" || e.key === "F")) { e.preventDefault(); fill(); }
  });
  var code = document.getElementById("id_item_code"), select = document.getElementById("id_item");
  if (code && select) {
    code.addEventListener("input", function () {
      var v = code.value.trim().toUpperCase();
      var match = Array.prototype.find.call(select.options, function (o) { return o.value && (o.value === v || o.text.indexOf(code.value.trim()) >= 0); });
      if (match && code.value.trim()) { select.value = match.value; select.dispatchEvent(new Event("change", { bubbles: true })); }
    });
  }
  function fill() {
    var known = document.getElementById("known-caller");
    if (!known) { return; }
    ["caller_name", "address", "latitude", "longitude", "area"].forEach(function (name) {
      var value = known.dataset[name], field = form.elements[name];
      if (field && value) { field.value = value; }
    });
    var next = document.getElementById("id_item_code");
    if (next) { next.focus(); }
  }
  document.addEventListener("click", function (e) { if (e.target && e.target.id === "fill-caller") { e.preventDefault(); fill(); } });
})();
