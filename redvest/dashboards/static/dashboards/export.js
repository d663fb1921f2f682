(function () {
  var table = document.getElementById("id_table"), category = document.getElementById("id_category");
  function sync() {
    Array.prototype.forEach.call(category.options, function (o) {
      if (!o.dataset.table) return;
      o.hidden = o.disabled = o.dataset.table !== table.value;
      if (o.disabled && o.selected) category.value = "";
    });
  }
  table.addEventListener("change", sync);
  sync();
})();
