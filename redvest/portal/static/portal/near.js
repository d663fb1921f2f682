// 附近站点: ask the phone for its location and reload the page with it (nothing leaves the page otherwise).
(function () {
  var button = document.getElementById("near-me");
  if (!button) { return; }
  if (!navigator.geolocation) { button.hidden = true; return; }
  button.addEventListener("click", function (e) {
    e.preventDefault();
    button.textContent = "正在定位…";
    navigator.geolocation.getCurrentPosition(function (pos) {
      var url = new URL(button.getAttribute("data-target") || window.location.href, window.location.href);
      url.searchParams.set("lat", pos.coords.latitude.toFixed(6));
      url.searchParams.set("lng", pos.coords.longitude.toFixed(6));
      window.location.href = url.toString();
    }, function () { button.textContent = "定位失败，可在下方搜索站点"; });
  });
})();
