document.getElementById("use-my-location").addEventListener("click", function () {
  if (!navigator.geolocation) { alert("此浏览器不支持定位"); return; }
  navigator.geolocation.getCurrentPosition(function (pos) {
    document.getElementById("id_latitude").value = pos.coords.latitude.toFixed(6);
    document.getElementById("id_longitude").value = pos.coords.longitude.toFixed(6);
  }, function () { alert("无法获取位置，请手动填写经纬度"); });
});
