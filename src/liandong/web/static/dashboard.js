// The dashboard's charts, drawn from the numbers embedded in the page (#dashboard-data):
// a map of the units below the scope (a bar chart where no boundaries exist, e.g. townships),
// coloured by the chosen indicator, a click drills down; and the cases received per day.
(function () {
  var source = document.getElementById("dashboard-data");
  if (!source || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  var byCode = {};
  data.children.forEach(function (c) { byCode[c.code] = c; });
  var indicators = {};
  data.indicators.forEach(function (i) { indicators[i.key] = i; });

  function value(figures, key) {
    var v = figures[key];
    return v !== null && typeof v === "object" ? v.value : v;
  }
  function shown(v, key) {
    if (v === null || v === undefined) return "—";
    return indicators[key].rate ? (v * 100).toFixed(1) + "%" : v.toLocaleString();
  }
  function drill(code) {
    if (byCode[code]) window.location.href = data.links.base + "&scope=" + encodeURIComponent(code);
  }
  function resizeWith(chart) {
    window.addEventListener("resize", function () { chart.resize(); });
  }

  // -- the map (or bars) of the units below -------------------------------------------------------
  var mapEl = document.getElementById("dashboard-map");
  var select = document.getElementById("map-indicator");
  var mapChart = null;
  var hasShapes = false;

  function series(key) {
    return data.children.map(function (c) {
      var v = value(c.figures, key);
      return { name: c.code, value: v === null ? NaN : v };
    });
  }
  function range(key) {
    var values = data.children.map(function (c) { return value(c.figures, key); })
      .filter(function (v) { return v !== null; });
    if (indicators[key].rate) {
      var low = Math.min.apply(null, values.concat([1]));
      return [low < 1 ? low : 0, 1];
    }
    return [0, Math.max.apply(null, values.concat([1]))];
  }
  function colours(key) {
    return indicators[key].rate ? ["#e3ecf9", "#174ea6"] : ["#fde8e6", "#b3261e"];
  }
  function tooltip(p) {
    var c = byCode[p.name];
    if (!c) return "";
    var key = select.value;
    return c.name + "<br>" + indicators[key].label + ": " + shown(value(c.figures, key), key);
  }

  function drawMap(key) {
    var r = range(key);
    var option = {
      tooltip: { trigger: "item", formatter: tooltip },
      visualMap: { min: r[0], max: r[1], calculable: true, left: 10, bottom: 10,
                   inRange: { color: colours(key) }, textStyle: { color: "#1d2430" },
                   formatter: function (v) { return shown(v, key); } }
    };
    if (hasShapes) {
      option.series = [{
        type: "map", map: "dashboard-" + data.scope.code, nameProperty: "code", roam: false,
        selectedMode: false, data: series(key),
        label: { show: true, color: "#1d2430", formatter: function (p) { return byCode[p.name] ? byCode[p.name].name : ""; } },
        itemStyle: { borderColor: "#5a6472", areaColor: "#f2f4f7" },
        emphasis: { label: { color: "#1d2430" }, itemStyle: { areaColor: "#ffd27a" } }
      }];
    } else {
      option.grid = { left: 120, right: 20, top: 10, bottom: 60 };
      option.xAxis = { type: "value" };
      option.yAxis = { type: "category", inverse: true,
                       data: data.children.map(function (c) { return c.name; }) };
      option.series = [{ type: "bar", data: data.children.map(function (c) {
        var v = value(c.figures, key);
        return { name: c.code, value: v === null ? 0 : v };
      }) }];
      option.tooltip = { trigger: "item", formatter: tooltip };
      option.visualMap.dimension = 0;
      option.visualMap.show = false;  // the bars' length already tells; the colour follows it
    }
    mapChart.setOption(option, true);
    var scopeName = data.scope.name;
    var what = indicators[key].label;  // the sentence comes in the page's language
    mapEl.setAttribute("aria-label", data.labels.map.replace("{scope}", function () { return scopeName; })
      .replace("{what}", function () { return what; }));
  }

  if (mapEl && select && data.children.length) {
    mapChart = echarts.init(mapEl);
    mapChart.on("click", function (p) { drill(p.name); });
    resizeWith(mapChart);
    select.addEventListener("change", function () { drawMap(select.value); });
    fetch(mapEl.dataset.geo).then(function (r) { return r.ok ? r.json() : { features: [] }; })
      .catch(function () { return { features: [] }; })
      .then(function (geo) {
        hasShapes = (geo.features || []).some(function (f) { return byCode[f.properties.code]; });
        if (hasShapes) echarts.registerMap("dashboard-" + data.scope.code, geo);
        drawMap(select.value);
      });
  }

  // -- the trend ------------------------------------------------------------------------------------
  var trendEl = document.getElementById("dashboard-trend");
  if (trendEl) {
    var trend = echarts.init(trendEl);
    trend.setOption({
      tooltip: { trigger: "axis" },
      legend: { top: 5, data: [data.labels.received, data.labels.resolved], textStyle: { color: "#1d2430" } },
      grid: { left: 50, right: 20, top: 45, bottom: 40 },
      xAxis: { type: "category", data: data.trend.days },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: data.labels.received, type: "line", data: data.trend.received, itemStyle: { color: "#b3261e" } },
        { name: data.labels.resolved, type: "line", data: data.trend.resolved, itemStyle: { color: "#174ea6" } }
      ]
    });
    resizeWith(trend);
  }
})();

// 诉求研判: fetched after the page has drawn (surges and 每月一题 take longer than the figures).
(function () {
  const panel = document.getElementById("insight-panel");
  if (!panel) return;
  fetch(panel.dataset.src, { credentials: "same-origin" })
    .then((r) => (r.ok ? r.text() : Promise.reject(r.status)))
    .then((html) => { panel.innerHTML = html; })
    .catch(() => { panel.querySelector("p").textContent = "—"; });
})();
