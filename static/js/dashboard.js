/*
 * 驾驶舱: completion by unit as a stacked horizontal bar chart (ECharts, vendored).
 *
 * The data come from the page (json_script "dashboard-data", built by
 * tasks.views._chart_data): unit names, and one series per displayed status
 * (已完成 / 进行中 / 未开始 / 逾期). The table under the chart shows the same
 * numbers, so the page reads the same without JavaScript.
 * Plain ES5, no network: government intranets have none.
 */
(function () {
  "use strict";

  var COLORS = {
    completed: "#2e7d32",
    in_progress: "#0b5394",
    not_started: "#adb5bd",
    overdue: "#c00000"
  };

  function render() {
    var element = document.getElementById("unit-chart");
    var source = document.getElementById("dashboard-data");
    if (!element || !source || !window.echarts) return;
    var data = JSON.parse(source.textContent);
    var escape = window.echarts.format.encodeHTML; // the tooltip is HTML: unit names are text
    var chart = window.echarts.init(element);
    chart.setOption({
      animation: false,
      color: data.series.map(function (s) { return COLORS[s.key]; }),
      tooltip: {
        trigger: "axis",
        axisPointer: { type: "shadow" },
        formatter: function (items) {
          if (!items.length) return "";
          var index = items[0].dataIndex;
          var lines = [escape(data.names[index])];
          items.forEach(function (item) {
            lines.push(item.marker + escape(item.seriesName) + ": " + item.value);
          });
          lines.push(escape(data.progressLabel) + ": " + data.progress[index] + "%");
          return lines.join("<br>");
        }
      },
      legend: { top: 0 },
      grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", inverse: true, data: data.units },
      series: data.series.map(function (s) {
        return {
          name: s.name,
          type: "bar",
          stack: "total",
          barMaxWidth: 18,
          emphasis: { focus: "series" },
          data: s.data
        };
      })
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", render);
  } else {
    render();
  }
})();
