// Camera scanning where the browser has BarcodeDetector (Chrome on Android); a scanner gun types into the field.
(function () {
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices) return;
  var button = document.getElementById("scan"), video = document.getElementById("scan-video");
  button.hidden = false;
  button.addEventListener("click", async function () {
    var stream = await navigator.mediaDevices.getUserMedia({video: {facingMode: "environment"}});
    video.srcObject = stream; video.hidden = false; await video.play();
    var detector = new BarcodeDetector({formats: ["qr_code"]});
    var timer = setInterval(async function () {
      var codes = await detector.detect(video);
      if (codes.length) {
        clearInterval(timer); stream.getTracks().forEach(function (t) { t.stop(); });
        document.getElementById("id_code").value = codes[0].rawValue;
        document.getElementById("counter-form").submit();
      }
    }, 300);
  });
})();
