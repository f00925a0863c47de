// Small SVG charts: a line chart over time and a bar histogram. No library needed.
import { h } from './lib.js';

const W = 440;
const H = 150;
const PAD = { l: 44, r: 8, t: 8, b: 18 };

function ticks(max) {
  if (!(max > 0)) return [0];
  const step = Math.pow(10, Math.floor(Math.log10(max)));
  const n = max / step;
  const s = n > 5 ? step * 2 : n > 2 ? step : step / 2;
  const out = [0];
  while (out[out.length - 1] < max * 0.9999) out.push(out.length * s);
  return out;
}

/** points: [{t: seconds, v: number}]; format: value → label. */
export function LineChart({ title, points, format, color = '#4f46e5', summary }) {
  const xs = points.map((p) => p.t);
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs);
  const vmax = Math.max(0, ...points.map((p) => p.v)) || 1;
  const ys = ticks(vmax);
  const top = ys[ys.length - 1] || vmax;
  const sx = (t) => PAD.l + (x1 === x0 ? 0 : ((t - x0) / (x1 - x0)) * (W - PAD.l - PAD.r));
  const sy = (v) => H - PAD.b - (v / top) * (H - PAD.t - PAD.b);
  const d = points.map((p, i) => (i ? 'L' : 'M') + sx(p.t).toFixed(1) + ',' + sy(p.v).toFixed(1)).join('');
  const area = points.length ? d + `L${sx(x1).toFixed(1)},${sy(0)}L${sx(x0).toFixed(1)},${sy(0)}Z` : '';
  const label = (t) => {
    const dt = new Date(t * 1000);
    return x1 - x0 > 2 * 86400 ? dt.toISOString().slice(5, 10) : dt.toISOString().slice(11, 16);
  };
  return h('div', { class: 'chart card' },
    h('div', { class: 'title' }, h('span', null, title), summary ? h('b', null, summary) : null),
    h('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': title },
      ys.map((v) => h('g', { key: v },
        h('line', { class: 'axis', x1: PAD.l, x2: W - PAD.r, y1: sy(v), y2: sy(v) }),
        h('text', { x: PAD.l - 4, y: sy(v) + 3, 'text-anchor': 'end' }, format(v)))),
      points.length > 1 ? [0, 0.5, 1].map((f) => {
        const t = x0 + f * (x1 - x0);
        return h('text', { key: f, x: sx(t), y: H - 4, 'text-anchor': f === 0 ? 'start' : f === 1 ? 'end' : 'middle' }, label(t));
      }) : null,
      h('path', { d: area, fill: color, 'fill-opacity': 0.08, stroke: 'none' }),
      h('path', { d, fill: 'none', stroke: color, 'stroke-width': 1.6, 'vector-effect': 'non-scaling-stroke' })));
}

/** buckets: [{fromMs, toMs, count}]. */
export function Histogram({ buckets, format }) {
  const max = Math.max(1, ...buckets.map((b) => b.count));
  const bw = (W - PAD.l - PAD.r) / Math.max(1, buckets.length);
  const ys = ticks(max);
  const top = ys[ys.length - 1] || max;
  const sy = (v) => H - PAD.b - (v / top) * (H - PAD.t - PAD.b);
  return h('div', { class: 'chart' },
    h('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': 'duration histogram' },
      ys.map((v) => h('g', { key: v },
        h('line', { class: 'axis', x1: PAD.l, x2: W - PAD.r, y1: sy(v), y2: sy(v) }),
        h('text', { x: PAD.l - 4, y: sy(v) + 3, 'text-anchor': 'end' }, Number.isInteger(v) ? v : v.toFixed(1)))),
      buckets.map((b, i) => h('rect', {
        key: i, x: PAD.l + i * bw + 1, width: Math.max(1, bw - 2), y: sy(b.count), height: sy(0) - sy(b.count),
        fill: '#4f46e5', 'fill-opacity': 0.8,
      }, h('title', null, `${format(b.fromMs)} – ${format(b.toMs)}: ${b.count}`))),
      buckets.length ? [h('text', { x: PAD.l, y: H - 4 }, format(buckets[0].fromMs)),
        h('text', { x: W - PAD.r, y: H - 4, 'text-anchor': 'end' }, format(buckets[buckets.length - 1].toMs))] : null));
}
