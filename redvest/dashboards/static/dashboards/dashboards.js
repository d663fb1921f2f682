/* Dashboard charts: one function builds every chart from the JSON the server embedded (json_script) or
   fetched (the big screen refreshes every 60 s). Minutes arrive as integers and become hours here. */
(function () {
  "use strict";

  var charts = {};
  var hours = function (m) { return Math.round(m / 6) / 10; };

  function chart(id, theme) {
    var el = document.getElementById(id);
    if (!el) return null;
    if (!charts[id]) {
      charts[id] = echarts.init(el, theme || null, { renderer: "canvas" });
    }
    return charts[id];
  }

  function childUrl(template, id) {
    return template.replace(/\/0\/(?!.*\/0\/)/, "/" + id + "/");
  }

  function drillable(c, rows, template) {
    c.off("click");
    c.on("click", function (params) {
      var row = rows[params.dataIndex];
      if (row && row.id) window.location.href = childUrl(template, row.id);
    });
  }

  function render(data, opts) {
    opts = opts || {};
    var theme = opts.theme;
    var bg = theme === "dark" ? "transparent" : undefined;
    var big = !!opts.big;
    var font = big ? 16 : 12;
    var base = { backgroundColor: bg, textStyle: { fontSize: font }, grid: { left: 48, right: 40, top: big ? 76 : 64, bottom: 48 } };
    var legendTop = big ? 36 : 28;
    var kids = (data.children || []).filter(function (r) { return r.volunteers !== undefined; });
    var names = kids.map(function (r) { return r.name; });

    var c = chart("chart-children", theme);
    if (c && data.access === "full") {
      c.setOption(Object.assign({}, base, {
        title: { text: "下级组织：志愿者与服务队", textStyle: { fontSize: font + 2 } },
        tooltip: { trigger: "axis" },
        legend: { top: legendTop, data: ["志愿者", "党员", "服务队"] },
        xAxis: { type: "category", data: names, axisLabel: { rotate: names.length > 6 ? 30 : 0, interval: 0 } },
        yAxis: { type: "value" },
        series: [
          { name: "志愿者", type: "bar", data: kids.map(function (r) { return r.volunteers; }), cursor: "pointer" },
          { name: "党员", type: "bar", data: kids.map(function (r) { return r.party_members + r.probationary; }), cursor: "pointer" },
          { name: "服务队", type: "bar", data: kids.map(function (r) { return r.teams; }), cursor: "pointer" }
        ]
      }), true);
      if (opts.childUrl) drillable(c, kids, opts.childUrl);
    }

    c = chart("chart-political", theme);
    if (c && data.political) {
      c.setOption(Object.assign({}, base, {
        title: { text: "政治面貌", textStyle: { fontSize: font + 2 } },
        tooltip: { trigger: "item", formatter: "{b}：{c}人（{d}%）" },
        series: [{ type: "pie", radius: ["30%", "55%"], center: ["50%", "56%"], data: data.political, label: { fontSize: font, formatter: "{b}\n{c}人" } }]
      }), true);
    }

    c = chart("chart-trend", theme);
    if (c && data.trend) {
      c.setOption(Object.assign({}, base, {
        title: { text: "近12个月活动与服务时长", textStyle: { fontSize: font + 2 } },
        tooltip: { trigger: "axis" },
        legend: { top: legendTop, data: ["活动数", "信用时数（小时）", "荣誉时数（小时）"] },
        xAxis: { type: "category", data: data.months },
        yAxis: [{ type: "value" }, { type: "value", splitLine: { show: false } }],
        series: [
          { name: "活动数", type: "bar", data: data.trend.activities },
          { name: "信用时数（小时）", type: "line", yAxisIndex: 1, smooth: true, data: data.trend.credit_minutes.map(hours) },
          { name: "荣誉时数（小时）", type: "line", yAxisIndex: 1, smooth: true, data: data.trend.honour_minutes.map(hours) }
        ]
      }), true);
    }

    c = chart("chart-points", theme);
    if (c && data.trend) {
      c.setOption(Object.assign({}, base, {
        title: { text: "积分获得与使用", textStyle: { fontSize: font + 2 } },
        tooltip: { trigger: "axis" },
        legend: { top: legendTop, data: ["获得", "使用"] },
        xAxis: { type: "category", data: data.months },
        yAxis: { type: "value" },
        series: [
          { name: "获得", type: "bar", data: data.trend.points_earned },
          { name: "使用", type: "bar", data: data.trend.points_spent }
        ]
      }), true);
    }

    var req = data.requests;
    c = chart("chart-requests", theme);
    if (c && req) {
      c.setOption(Object.assign({}, base, {
        title: { text: "近" + req.days + "天诉求（按类别）", textStyle: { fontSize: font + 2 } },
        tooltip: { trigger: "axis" },
        xAxis: { type: "category", data: req.by_category.map(function (r) { return r.name; }) },
        yAxis: { type: "value" },
        series: [{ name: "件数", type: "bar", data: req.by_category.map(function (r) { return r.value; }) }]
      }), true);
    }

    c = chart("chart-status", theme);
    if (c && req) {
      c.setOption(Object.assign({}, base, {
        title: { text: "工单状态", textStyle: { fontSize: font + 2 } },
        tooltip: { trigger: "item", formatter: "{b}：{c}件（{d}%）" },
        series: [{ type: "pie", radius: "55%", center: ["50%", "56%"], data: req.by_status, label: { fontSize: font } }]
      }), true);
    }

    c = chart("chart-satisfaction", theme);
    if (c && data.satisfaction) {
      c.setOption(Object.assign({}, base, {
        title: { text: "回访满意度（近12个月）", textStyle: { fontSize: font + 2 } },
        tooltip: { trigger: "item", formatter: "{b}：{c}次（{d}%）" },
        color: ["#c23531", "#e0a43a", "#6e7074"],
        series: [{ type: "pie", radius: ["30%", "55%"], center: ["50%", "56%"], data: data.satisfaction, label: { fontSize: font, formatter: "{b}\n{c}次" } }]
      }), true);
    }

    c = chart("chart-care", theme);
    if (c && data.trend) {
      c.setOption(Object.assign({}, base, {
        title: { text: "结对走访（次/月）", textStyle: { fontSize: font + 2 } },
        tooltip: { trigger: "axis" },
        xAxis: { type: "category", data: data.months },
        yAxis: { type: "value" },
        series: [{ name: "走访", type: "line", areaStyle: {}, data: data.trend.care_visits }]
      }), true);
    }

    c = chart("chart-stations", theme);
    if (c && data.stations) {
      var kinds = {};
      var lngs = data.stations.map(function (s) { return s.lng; });
      var lats = data.stations.map(function (s) { return s.lat; });
      var pad = function (values, side) {
        if (!values.length) return null;
        var lo = Math.min.apply(null, values), hi = Math.max.apply(null, values), room = Math.max((hi - lo) * 0.1, 0.02);
        return Math.round((side < 0 ? lo - room : hi + room) * 100) / 100;
      };
      data.stations.forEach(function (s) { (kinds[s.kind] = kinds[s.kind] || []).push([s.lng, s.lat, s.name]); });
      var series = Object.keys(kinds).map(function (k) {
        return { name: k, type: "scatter", symbolSize: big ? 14 : 10, data: kinds[k] };
      });
      series.push({
        name: "五有未达标", type: "scatter", symbol: "circle", symbolSize: big ? 24 : 18, z: 1,
        itemStyle: { color: "transparent", borderColor: "#ff3b30", borderWidth: 2 },
        data: data.stations.filter(function (s) { return s.shortfall; }).map(function (s) { return [s.lng, s.lat, s.name]; })
      });
      c.setOption(Object.assign({}, base, {
        title: { text: "站点分布（经纬度）", textStyle: { fontSize: font + 2 } },
        tooltip: { trigger: "item", formatter: function (p) { return p.seriesName + "：" + p.value[2]; } },
        legend: { top: legendTop, type: "scroll" },
        grid: { left: 64, right: 48, top: big ? 84 : 72, bottom: 32 },
        xAxis: { type: "value", name: "经度", min: pad(lngs, -1), max: pad(lngs, 1) },
        yAxis: { type: "value", name: "纬度", min: pad(lats, -1), max: pad(lats, 1) },
        series: series
      }), true);
    }
  }

  function resizeAll() {
    Object.keys(charts).forEach(function (k) { charts[k].resize(); });
  }

  function setText(id, value) {
    var el = document.getElementById(id);
    if (el) el.textContent = value;
  }

  /* The big screen: redraw from data.json every `seconds`, and refresh the headline numbers. */
  function autoRefresh(url, opts, seconds) {
    window.setInterval(function () {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (!data) return;
          render(data, opts);
          var t = data.totals || {};
          setText("num-volunteers", t.volunteers);
          setText("num-teams", t.teams);
          setText("num-activities", t.activities);
          setText("num-credit", hours(t.credit_minutes || 0));
          setText("num-open", data.requests.open_now);
          setText("num-satisfaction", data.requests.satisfaction === null ? "—" : data.requests.satisfaction + "%");
          setText("updated-label", data.updated_label);
        });
    }, seconds * 1000);
  }

  window.RedVestDashboards = { render: render, autoRefresh: autoRefresh, resizeAll: resizeAll };
  window.addEventListener("resize", resizeAll);

  document.addEventListener("DOMContentLoaded", function () {
    var source = document.getElementById("dashboard-data");
    var root = document.getElementById("dashboard-root");
    if (!source || !root) return;
    var opts = { childUrl: root.dataset.childUrl, theme: root.dataset.theme || null, big: root.dataset.big === "1" };
    render(JSON.parse(source.textContent), opts);
    if (root.dataset.refreshUrl) autoRefresh(root.dataset.refreshUrl, opts, Number(root.dataset.refreshSeconds || 60));
  });
})();
