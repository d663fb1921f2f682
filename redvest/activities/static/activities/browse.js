/* "附近的活动": fill the filter form with the phone's location and submit. */
(function () {
  "use strict";
  var button = document.getElementById("locate");
  var form = document.getElementById("browse-filters");
  var status = document.getElementById("locate-status");
  if (!button || !form) return;
  button.addEventListener("click", function () {
    if (!navigator.geolocation) { status.textContent = "此浏览器不支持定位"; return; }
    status.textContent = "正在获取位置…";
    navigator.geolocation.getCurrentPosition(function (pos) {
      document.getElementById("id_lat").value = pos.coords.latitude.toFixed(6);
      document.getElementById("id_lng").value = pos.coords.longitude.toFixed(6);
      form.submit();
    }, function () { status.textContent = "无法获取位置，请在浏览器设置中允许定位"; }, { timeout: 15000 });
  });
})();
