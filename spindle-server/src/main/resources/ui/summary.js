// Transaction summary: percentiles, duration histogram, slowest traces, where the time goes, errors.
import { useState } from 'preact/hooks';
import { h, api, useApi, href, rangeParams, fmtMs, fmtPct, fmtNum, fmtRate, fmtTime, quoted, Loading } from './lib.js';
import { Histogram } from './charts.js';
import { VerdictBadge } from './trace.js';

function Figures({ params, name }) {
  const state = useApi(() => api('/api/v1/transactions', { ...rangeParams(params), query: 'transaction:' + quoted(name), limit: 1 }),
    [params.toString()]);
  return h(Loading, { state }, () => {
    const s = state.data.data[0];
    if (!s) return h('p', { class: 'muted' }, 'No transaction of this name in the time range.');
    const item = (label, v) => h('div', null, h('b', null, v), h('span', null, label));
    return h('div', { class: 'stats', id: 'figures' },
      item('p50', fmtMs(s.p50)), item('p75', fmtMs(s.p75)), item('p95', fmtMs(s.p95)), item('p99', fmtMs(s.p99)),
      item('tpm', fmtRate(s.tpm)), item('failure rate', fmtPct(s.failureRate)), item('Apdex', s.apdex.toFixed(2)),
      item('user misery', s.userMisery.toFixed(3)), item('count', fmtNum(s.count)), item('extrapolated', fmtNum(Math.round(s.estimatedCount))));
  });
}

function Durations({ params, name }) {
  const state = useApi(() => api('/api/v1/transactions/histogram', { ...rangeParams(params), query: 'transaction:' + quoted(name), buckets: 30 }),
    [params.toString()]);
  return h(Loading, { state }, () => state.data.data.length
    ? h(Histogram, { buckets: state.data.data, format: fmtMs })
    : h('p', { class: 'muted' }, 'No durations.'));
}

const VERDICTS = ['', 'complete', 'missing_root', 'gap', 'lost', 'truncated'];

function SlowestTraces({ params, name }) {
  const [verdict, setVerdict] = useState('');
  const state = useApi(() => api('/api/v1/traces', { ...rangeParams(params), query: 'transaction:' + quoted(name), sort: '-duration', limit: 10, ...(verdict ? { verdict } : {}) }),
    [params.toString(), verdict]);
  const filter = h('label', { class: 'muted' }, 'Completeness ', h('select', { id: 'verdict-filter', value: verdict, onChange: (e) => setVerdict(e.target.value) },
    VERDICTS.map((v) => h('option', { key: v, value: v }, v ? v.replace('_', ' ') : 'any'))));
  return h('div', null, filter, h(Loading, { state }, () => {
    const rows = state.data.data;
    if (!rows.length) return h('p', { class: 'muted' }, 'No traces.');
    return h('table', { class: 'data', id: 'slowest' },
      h('thead', null, h('tr', null, h('th', null, 'Trace'), h('th', null, 'Duration'), h('th', null, 'Spans'), h('th', null, 'Errors'), h('th', null, 'Started'))),
      h('tbody', null, rows.map((t) => h('tr', { key: t.traceId },
        h('td', { class: 'mono' }, h('a', { href: href('/trace/' + t.traceId), class: 'trace-link' }, t.traceId.slice(0, 16) + '…'), ' ',
          h('span', { class: 'muted' }, t.rootTransaction || ''), t.verdict && t.verdict !== 'complete' ? h(VerdictBadge, { verdict: t.verdict }) : null),
        h('td', null, fmtMs(t.durationMs)), h('td', null, fmtNum(t.spanCount)),
        h('td', { class: t.errorCount ? 'error-text' : '' }, fmtNum(t.errorCount)), h('td', null, fmtTime(t.startTimestamp))))));
  }));
}

function SpanOps({ params, name }) {
  const state = useApi(() => api('/api/v1/transactions/spanops', { ...rangeParams(params), query: 'transaction:' + quoted(name), limit: 15 }),
    [params.toString()]);
  return h(Loading, { state }, () => {
    const rows = state.data.data;
    if (!rows.length) return h('p', { class: 'muted' }, 'These transactions have no child spans.');
    return h('table', { class: 'data', id: 'spanops' },
      h('thead', null, h('tr', null, h('th', null, 'Operation'), h('th', null, 'Share of time'), h('th', null, 'Avg per txn'), h('th', null, 'p95 span'), h('th', null, 'Spans'))),
      h('tbody', null, rows.map((o) => h('tr', { key: o.op || '-' },
        h('td', null, o.op || h('i', { class: 'muted' }, '(no op)')),
        h('td', null, h('span', { class: 'bar', style: { width: Math.max(2, Math.min(1, o.shareOfTime) * 120) + 'px' } }), ' ', fmtPct(o.shareOfTime)),
        h('td', null, fmtMs(o.avgMs)), h('td', null, fmtMs(o.p95)), h('td', null, fmtNum(o.spanCount))))));
  });
}

export function ErrorTable({ rows, id = 'errors' }) {
  return h('table', { class: 'data', id },
    h('thead', null, h('tr', null, h('th', null, 'Error'), h('th', { class: 'left' }, 'Transaction'), h('th', null, 'Level'), h('th', null, 'When'), h('th', null, 'Trace'))),
    h('tbody', null, rows.map((e) => h('tr', { key: e.eventId },
      h('td', null, h('b', null, e.exceptionType || 'error'), ' ', e.message || ''),
      h('td', { class: 'left' }, e.transaction || '–'),
      h('td', { class: e.level === 'error' || e.level === 'fatal' ? 'error-text' : '' }, e.level),
      h('td', null, fmtTime(e.timestamp)),
      h('td', null, e.traceId
        ? h('a', { class: 'mono error-trace-link', href: href('/trace/' + e.traceId, { span: e.spanId || '' }) }, e.spanId ? 'span ' + e.spanId.slice(0, 8) : 'trace ' + e.traceId.slice(0, 8))
        : h('span', { class: 'muted' }, 'no trace'))))));
}

function RelatedErrors({ params, name }) {
  const state = useApi(() => api('/api/v1/errors', { ...rangeParams(params), transaction: name, limit: 20 }), [params.toString()]);
  return h(Loading, { state }, () => state.data.data.length
    ? h(ErrorTable, { rows: state.data.data, id: 'related-errors' })
    : h('p', { class: 'muted' }, 'No errors in this transaction. 🎉'));
}

export function Summary({ params }) {
  const name = params.get('transaction');
  if (!name) return h('div', { class: 'card' }, 'No transaction selected. ', h('a', { href: href('/performance') }, 'Back to Performance'));
  const props = { params, name };
  return h('div', null,
    h('p', { class: 'muted' }, h('a', { href: href('/performance') }, 'Performance'), ' / transaction summary'),
    h('h1', { id: 'summary-title' }, name),
    h('div', { class: 'card' }, h(Figures, props)),
    h('div', { class: 'grid2' },
      h('div', { class: 'card' }, h('h2', null, 'Duration distribution'), h(Durations, props)),
      h('div', { class: 'card' }, h('h2', null, 'Where the time goes (span operations)'), h(SpanOps, props))),
    h('div', { class: 'card' }, h('h2', null, 'Slowest traces'), h(SlowestTraces, props)),
    h('div', { class: 'card' }, h('h2', null, 'Related errors'), h(RelatedErrors, props)));
}
