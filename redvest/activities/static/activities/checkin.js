/* Check-in / check-out on the phone.
 * Sends the code and the browser's location to the API. When the phone is offline (or the request
 * fails) the item — time, location, code and a client-generated id — is kept in localStorage and
 * sent to /api/v1/activities/sync when the connection returns; the server makes one record per id. */
(function () {
  "use strict";
  var KEY = "redvest.offline-attendance.v1";
  var app = document.getElementById("checkin-app");
  var form = document.getElementById("checkin-form");
  if (!app || !form) return;
  var kind = app.dataset.kind;
  var activityId = parseInt(app.dataset.activityId, 10);
  var apiUrl = kind === "check_out" ? app.dataset.apiOut : app.dataset.apiIn;
  var msg = document.getElementById("checkin-message");
  var locStatus = document.getElementById("location-status");
  var queueBox = document.getElementById("offline-queue");
  var button = document.getElementById("checkin-submit");
  var position = null;
  var denied = false;  // location refused or unavailable: the code alone, confirmed later by the organiser

  function csrf() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; } catch (e) { return ""; }
  }
  function load() {
    try { return JSON.parse(localStorage.getItem(KEY) || "[]"); } catch (e) { return []; }
  }
  function store(items) { localStorage.setItem(KEY, JSON.stringify(items)); render(); }
  function render() {
    var n = load().length;
    queueBox.hidden = n === 0;
    queueBox.querySelector(".count").textContent = String(n);
  }
  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return ("0" + x.toString(16)).slice(-2); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function say(text, ok) {
    msg.hidden = false;
    msg.className = ok ? "status-box ok" : "errors";
    msg.textContent = text;
  }
  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify(body)
    });
  }
  function locate() {
    if (!navigator.geolocation) {
      denied = true;
      locStatus.textContent = "此浏览器不支持定位：仍可凭签到码签到，由活动负责人确认在场";
      return;
    }
    locStatus.textContent = "正在获取位置…";
    navigator.geolocation.getCurrentPosition(function (pos) {
      position = { latitude: pos.coords.latitude, longitude: pos.coords.longitude };
      form.elements.latitude.value = position.latitude.toFixed(6);
      form.elements.longitude.value = position.longitude.toFixed(6);
      locStatus.textContent = "已定位（精度约 " + Math.round(pos.coords.accuracy || 0) + " 米）";
    }, function () {
      denied = true;
      locStatus.textContent = "未获取到位置：仍可凭签到码签到，由活动负责人确认在场（允许定位可免确认）";
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 30000 });
  }
  function keep(item) {
    var items = load();
    items.push(item);
    store(items);
    say("网络不可用，已在本机保存" + (kind === "check_out" ? "签退" : "签到") + "记录，恢复网络后自动上传", true);
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var code = form.elements.code.value.trim();
    if (!/^\d{6}$/.test(code)) { say("请输入 6 位数字签到码", false); return; }
    if (!position && !denied) { say("正在获取位置，请稍候再试", false); return; }
    var item = {
      client_id: uuid(), activity_id: activityId, kind: kind, at: new Date().toISOString(), code: code,
      latitude: position ? position.latitude.toFixed(6) : null,
      longitude: position ? position.longitude.toFixed(6) : null
    };
    if (!navigator.onLine) { keep(item); return; }
    button.disabled = true;
    post(apiUrl, {
      code: code, latitude: item.latitude, longitude: item.longitude, client_id: item.client_id,
      via_qr: form.elements.via_qr.value === "True"
    }).then(function (resp) {
      return resp.json().then(function (data) {
        if (resp.ok) {
          say(kind === "check_out" ? "签退成功" : "签到成功", true);
          window.location.reload();
        } else {
          say(data.message || "操作失败，请重试", false);
          button.disabled = false;
        }
      });
    }).catch(function () {
      keep(item);
      button.disabled = false;
    });
  });

  var syncing = false;
  function sync() {
    var items = load();
    if (!items.length || !navigator.onLine || syncing) return;
    syncing = true;
    post(app.dataset.syncUrl, { items: items }).then(function (resp) {
      return resp.json().then(function (data) {
        if (!resp.ok) {
          if (resp.status < 500) store([]);  // malformed batch: retrying cannot help
          say(data.message || "离线记录上传失败", false);
          return;
        }
        var handled = {}, errors = [], okCount = 0;
        data.results.forEach(function (r) {
          handled[r.client_id] = true;
          if (r.ok) okCount += 1; else errors.push(r.message);
        });
        store(load().filter(function (i) { return !handled[i.client_id]; }));
        if (errors.length) say("部分离线记录未能同步：" + errors.join("；"), false);
        else if (okCount) { say("离线记录已同步", true); window.setTimeout(function () { window.location.reload(); }, 800); }
      });
    }).catch(function () { /* still offline; the next "online" event retries */ })
      .then(function () { syncing = false; });
  }

  document.getElementById("sync-now").addEventListener("click", sync);
  window.addEventListener("online", sync);
  render();
  locate();
  sync();
})();
