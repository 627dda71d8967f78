// The case page's map: the counties of the case's city, those where it happens highlighted.
(function () {
  var el = document.getElementById("case-map");
  if (!el || !window.echarts || !el.dataset.parent) return;
  var highlight = (el.dataset.highlight || "").split(",");
  fetch("/geo/" + el.dataset.parent + ".json").then(function (r) { return r.json(); }).then(function (geo) {
    echarts.registerMap("case-area", geo);
    var chart = echarts.init(el);
    chart.setOption({
      series: [{
        type: "map", map: "case-area", roam: true, nameProperty: "code", selectedMode: false,
        label: { show: false }, itemStyle: { areaColor: "#eef1f5", borderColor: "#8895a7" },
        data: highlight.map(function (code) { return { name: code, itemStyle: { areaColor: "#b3261e" } }; })
      }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
