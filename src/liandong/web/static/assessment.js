// The assessment page's chart: per stage (front, middle, back end), the share of the time of
// adverse cases each actually held beside the share of the blame it takes by default. The
// numbers are embedded in the page (#assessment-data) and repeated in the table below the chart.
(function () {
  var source = document.getElementById("assessment-data");
  var el = document.getElementById("stage-chart");
  if (!source || !el || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  function pct(list) {
    return list.map(function (v) { return v === null ? 0 : Math.round(v * 1000) / 10; });
  }
  var chart = window.echarts.init(el);
  chart.setOption({
    animation: false,
    tooltip: { trigger: "axis", valueFormatter: function (v) { return v + "%"; } },
    legend: { top: 4, data: [data.labels.held, data.labels.blamed] },
    grid: { left: 48, right: 16, top: 40, bottom: 32 },
    xAxis: { type: "category", data: data.stages },
    yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
    series: [
      { name: data.labels.held, type: "bar", data: pct(data.held), itemStyle: { color: "#2b6cb0" } },
      { name: data.labels.blamed, type: "bar", data: pct(data.blamed), itemStyle: { color: "#c05621" } }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
