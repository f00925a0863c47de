// Charts drawn by ECharts (the library that draws the service map): a line over time and a bar
// histogram. Each is an SVG with axes, a tooltip and resizing.
import * as echarts from 'echarts';
import { useEffect, useRef } from 'preact/hooks';
import { h } from './lib.js';

const AXIS = { fontSize: 10, color: '#6b7280' };
const GRID = { left: 56, right: 16, top: 10, bottom: 24 };
/** Time labels by the axis' tick level: hours and minutes within a day, month-day beyond. */
const TIME_LABELS = { year: '{yyyy}', month: '{MM}-{dd}', day: '{MM}-{dd}', hour: '{HH}:{mm}', minute: '{HH}:{mm}', second: '{HH}:{mm}:{ss}' };

/** An ECharts instance on a div, given a new option on every render, disposed with the div. */
function Plot({ option, label }) {
  const el = useRef(null);
  const chart = useRef(null);
  useEffect(() => {
    chart.current = echarts.init(el.current, null, { renderer: 'svg' });
    const resize = () => chart.current.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.current.dispose();
    };
  }, []);
  useEffect(() => chart.current.setOption(option, true));
  return h('div', { class: 'plot', ref: el, role: 'img', 'aria-label': label });
}

/** points: [{t: seconds, v: number}]; format: value → label. */
export function LineChart({ title, points, format, color = '#4f46e5', summary }) {
  const option = {
    animation: false,
    grid: GRID,
    tooltip: { trigger: 'axis', valueFormatter: format },
    xAxis: {
      type: 'time', splitNumber: 4,
      axisLabel: { ...AXIS, hideOverlap: true, formatter: TIME_LABELS }, axisTick: { show: false },
    },
    yAxis: {
      type: 'value', min: 0, splitNumber: 3,
      axisLabel: { ...AXIS, formatter: format }, splitLine: { lineStyle: { color: '#e5e7eb' } },
    },
    series: [{
      type: 'line', name: title, data: points.map((p) => [p.t * 1000, p.v]),
      showSymbol: points.length < 3, color, lineStyle: { width: 1.6 }, areaStyle: { opacity: 0.08 },
    }],
  };
  return h('div', { class: 'chart card' },
    h('div', { class: 'title' }, h('span', null, title), summary ? h('b', null, summary) : null),
    h(Plot, { option, label: title }));
}

/** buckets: [{fromMs, toMs, count}]. */
export function Histogram({ buckets, format }) {
  const option = {
    animation: false,
    grid: GRID,
    tooltip: {
      trigger: 'axis',
      formatter: ([p]) => `${format(buckets[p.dataIndex].fromMs)} – ${format(buckets[p.dataIndex].toMs)}: ${p.value}`,
    },
    xAxis: {
      type: 'category', data: buckets.map((b) => format(b.fromMs)),
      axisLabel: { ...AXIS, hideOverlap: true }, axisTick: { show: false },
    },
    yAxis: { type: 'value', minInterval: 1, splitNumber: 3, axisLabel: AXIS, splitLine: { lineStyle: { color: '#e5e7eb' } } },
    series: [{ type: 'bar', data: buckets.map((b) => b.count), color: '#4f46e5', barCategoryGap: '10%' }],
  };
  return h('div', { class: 'chart' }, h(Plot, { option, label: 'duration histogram' }));
}
