// 我要求助: fill the hidden coordinates from the phone's location when the resident allows it.
(function () {
  var button = document.getElementById("locate");
  if (!button || !navigator.geolocation) { return; }
  button.addEventListener("click", function (e) {
    e.preventDefault();
    button.textContent = "正在定位…";
    navigator.geolocation.getCurrentPosition(function (pos) {
      document.getElementById("id_latitude").value = pos.coords.latitude.toFixed(6);
      document.getElementById("id_longitude").value = pos.coords.longitude.toFixed(6);
      button.textContent = "已获取位置";
    }, function () { button.textContent = "定位失败，请填写详细地址"; });
  });
})();
