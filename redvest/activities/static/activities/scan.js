/* 扫码签到: read the leader's QR with the phone camera (jsQR, vendored) and open the check-in page it
 * names. Only this site's check-in links are followed; anything else is refused with a message. */
(function () {
  "use strict";
  var start = document.getElementById("scan-start");
  var box = document.getElementById("scan-box");
  var video = document.getElementById("scan-video");
  var canvas = document.getElementById("scan-canvas");
  var message = document.getElementById("scan-message");
  if (!start) return;
  var CHECKIN = /^\/activities\/\d+\/checkin\/$/;
  function say(text) { message.textContent = text; }
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || typeof jsQR !== "function") {
    start.hidden = true;
    say("此浏览器不能调用相机，请用手机相机扫码，或在上方输入签到码。");
    return;
  }
  function target(text) {
    try {
      var url = new URL(text, window.location.href);
      return url.origin === window.location.origin && CHECKIN.test(url.pathname) ? url : null;
    } catch (e) { return null; }
  }
  start.addEventListener("click", function () {
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
      box.hidden = false;
      start.hidden = true;
      video.srcObject = stream;
      video.play();
      say("正在识别二维码…");
      var context = canvas.getContext("2d", { willReadFrequently: true });
      function tick() {
        if (video.readyState === video.HAVE_ENOUGH_DATA) {
          canvas.width = video.videoWidth;
          canvas.height = video.videoHeight;
          context.drawImage(video, 0, 0, canvas.width, canvas.height);
          var found = jsQR(context.getImageData(0, 0, canvas.width, canvas.height).data, canvas.width, canvas.height);
          if (found && found.data) {
            var url = target(found.data);
            if (url) {
              stream.getTracks().forEach(function (t) { t.stop(); });
              say("已识别，正在打开签到页…");
              window.location.href = url.toString();
              return;
            }
            say("这不是红马甲活动的签到二维码");
          }
        }
        window.requestAnimationFrame(tick);
      }
      window.requestAnimationFrame(tick);
    }).catch(function () {
      say("无法打开相机：请允许使用相机，或在上方输入签到码。");
    });
  });
})();
