// Services: the service map (ECharts graph, edges coloured by lost share) and, for a selected
// edge, its calls, latency and the calls that lost their trace context, linked to both traces.
import * as echarts from 'echarts';
import { useEffect, useRef, useState } from 'preact/hooks';
import { h, api, useApi, rangeParams, href, Loading, fmtMs, fmtPct, fmtNum } from './lib.js';
import { LineChart } from './charts.js';

/** Green (no context lost) to red (every call lost it); amber when only orphans lost it. */
function edgeColor(e) {
  if (e.lost === 0 && e.orphaned > 0) return 'hsl(40, 80%, 45%)';
  const hue = Math.round(120 * (1 - Math.min(1, Math.max(0, e.lostShare))));
  return `hsl(${hue}, 70%, 42%)`;
}

const edgeKey = (e) => e.source + '\u2192' + e.target;

function edgeLabel(e) {
  if (e.lost > 0) return fmtPct(e.lostShare) + ' lost';
  return e.orphaned > 0 ? e.orphaned + ' orphaned' : '';
}

function ServiceGraph({ map, selected, onSelect }) {
  const el = useRef(null);
  const chart = useRef(null);
  useEffect(() => {
    chart.current = echarts.init(el.current, null, { renderer: 'canvas' });
    const resize = () => chart.current && chart.current.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.current.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(() => {
    const c = chart.current;
    const sources = new Set(map.edges.map((e) => e.source));
    const maxTx = Math.max(1, ...map.nodes.map((n) => n.transactions));
    const maxCalls = Math.max(1, ...map.edges.map((e) => e.calls));
    const external = (n) => n.transactions === 0 && !sources.has(n.service);
    c.setOption({
      animation: false,
      tooltip: { show: false },
      series: [{
        type: 'graph',
        layout: 'force',
        force: { repulsion: 420, edgeLength: [120, 220], gravity: 0.08 },
        roam: true,
        draggable: true,
        edgeSymbol: ['none', 'arrow'],
        edgeSymbolSize: 9,
        label: { show: true, position: 'bottom', fontSize: 12 },
        edgeLabel: { show: true, fontSize: 11, formatter: (p) => edgeLabel(p.data.raw) },
        data: map.nodes.map((n) => ({
          name: n.service,
          symbol: external(n) ? 'roundRect' : 'circle',
          symbolSize: 22 + 26 * Math.sqrt(n.transactions / maxTx),
          itemStyle: { color: external(n) ? '#9aa0ae' : n.failureRate > 0.05 ? '#d62f4b' : '#4f46e5' },
        })),
        links: map.edges.map((e) => ({
          source: e.source,
          target: e.target,
          raw: e,
          lineStyle: {
            color: edgeColor(e),
            width: (selected === edgeKey(e) ? 3 : 1.5) + 4 * Math.sqrt(e.calls / maxCalls),
            curveness: 0.12,
            opacity: 0.9,
          },
        })),
      }],
    }, true);
    c.off('click');
    c.on('click', (p) => { if (p.dataType === 'edge') onSelect(edgeKey(p.data.raw)); });
  }, [map, selected]);
  return h('div', { id: 'service-map', ref: el, class: 'service-map' });
}

function EdgeTable({ edges, selected, onSelect }) {
  return h('table', { class: 'data', id: 'service-edges' },
    h('thead', null, h('tr', null, ['Call', 'Calls', 'Failure rate', 'P50', 'P95', 'Linked', 'Orphaned', 'Lost', 'Lost share']
      .map((c) => h('th', { key: c }, c)))),
    h('tbody', null, edges.map((e) => h('tr', { key: edgeKey(e), 'data-edge': edgeKey(e),
      class: selected === edgeKey(e) ? 'selected' : '', onClick: () => onSelect(edgeKey(e)) },
    h('td', null, h('a', { href: 'javascript:void 0', class: 'edge-link' }, e.source, ' \u2192 ', e.target)),
    h('td', null, fmtNum(e.calls)), h('td', null, fmtPct(e.failureRate)), h('td', null, fmtMs(e.p50)),
    h('td', null, fmtMs(e.p95)), h('td', null, fmtNum(e.linked)), h('td', null, fmtNum(e.orphaned)),
    h('td', null, fmtNum(e.lost)),
    h('td', null, fmtPct(e.lostShare))))));
}

/** Since when the edge loses context: its lost share per interval, from the propagation API. */
function LostShareSeries({ edge, range }) {
  const state = useApi(() => api('/api/v1/propagation', range), [JSON.stringify(range)]);
  return h(Loading, { state }, () => {
    const found = state.data.edges.find((e) => edgeKey(e) === edgeKey(edge));
    if (!found || !found.series) return null;
    return h('div', { id: 'lost-share' }, h(LineChart, {
      title: 'Lost share', color: '#d62f4b', format: (v) => fmtPct(v),
      points: found.series.map((b) => ({ t: b.timestamp, v: b.lostShare })),
    }));
  });
}

/** Why calls lost their context, as far as the stored spans tell (the causes the API gives). */
const CAUSES = [
  ['noHeaders', 'no trace headers arrived (lost)'],
  ['asyncHandoff', 'lost at an async hand-off inside the service'],
  ['parentMissing', 'parent span never arrived'],
  ['samplingChanged', 'sampling decision changed downstream'],
  ['baggageDropped', 'baggage dropped: the callee made its own sampling context'],
];

function Causes({ causes }) {
  const found = CAUSES.filter(([key]) => causes[key] > 0);
  if (found.length === 0) return null;
  return h('ul', { id: 'edge-causes' }, found.map(([key, text]) =>
    h('li', { key, 'data-cause': key }, `${fmtNum(causes[key])} · ${text}`)));
}

function EdgeDetail({ edge, range }) {
  return h('div', { class: 'card', id: 'edge-detail' },
    h('h2', null, edge.source, ' \u2192 ', edge.target),
    h('p', { class: 'muted' }, `${fmtNum(edge.calls)} calls (extrapolated), failure rate ${fmtPct(edge.failureRate)}, `
      + `p50 ${fmtMs(edge.p50)}, p95 ${fmtMs(edge.p95)}; ${edge.linked} linked, ${edge.orphaned} orphaned, `
      + `${edge.lost} lost (lost share ${fmtPct(edge.lostShare)}).`),
    h(Causes, { causes: edge.causes }),
    edge.lost > 0 ? h(LostShareSeries, { edge, range }) : null,
    edge.examples.length === 0 ? h('p', { class: 'muted' }, 'Every call carried its trace context.')
      : h('table', { class: 'data', id: 'edge-examples' },
        h('thead', null, h('tr', null, h('th', null, 'Call'), h('th', { class: 'left' }, 'Trace'), h('th', { class: 'left' }, 'Continued as'))),
        h('tbody', null, edge.examples.map((x) => h('tr', { key: x.traceId + x.spanId },
          h('td', null, x.description || '(no description)'),
          h('td', { class: 'left' }, h('a', { class: 'example-trace', href: href('/trace/' + x.traceId, { span: x.spanId }) },
            x.continuedTraceId ? 'context lost here' : 'orphan', ' \u00b7 ', x.traceId.slice(0, 8))),
          h('td', { class: 'left' }, x.continuedTraceId
            ? h('a', { class: 'continued-trace', href: href('/trace/' + x.continuedTraceId) }, 'trace ', x.continuedTraceId.slice(0, 8))
            : '–'))))));
}

export function Services({ params }) {
  const range = rangeParams(params);
  const state = useApi(() => api('/api/v1/service-map', range), [JSON.stringify(range)]);
  const [selected, setSelected] = useState(null);
  return h('div', null,
    h('h1', null, 'Services'),
    h('p', { class: 'muted' }, 'Who calls whom, and where trace context is lost on the way: an edge turns red as its calls '
      + 'lose their context (a new trace started in the callee instead). Click an edge for its lost and orphaned calls.'),
    h(Loading, { state }, () => {
      const map = state.data;
      if (map.nodes.length === 0) return h('div', { class: 'card', id: 'no-services' }, 'No services in this period.');
      const edge = map.edges.find((e) => edgeKey(e) === selected);
      return h('div', null,
        h('div', { class: 'card' }, h(ServiceGraph, { map, selected, onSelect: setSelected })),
        edge ? h(EdgeDetail, { edge, range }) : null,
        h('div', { class: 'card' }, h('h2', null, 'Calls'), h(EdgeTable, { edges: map.edges, selected, onSelect: setSelected })));
    }));
}
