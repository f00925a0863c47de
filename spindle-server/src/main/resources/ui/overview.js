// Performance overview: throughput, p95 and failure rate over time; the transactions table.
import { useState } from 'preact/hooks';
import { h, api, useApi, href, setParams, rangeParams, intervalFor, fmtMs, fmtPct, fmtNum, fmtRate, quoted, Loading } from './lib.js';
import { LineChart } from './charts.js';
import { GettingStarted } from './empty.js';

// The one row of URL-named transactions beyond a project's cap of distinct names (server: TransactionNaming.BUCKET).
const UNPARAMETERIZED = '<< unparameterized >>';

export const COLUMNS = [
  { key: 'transaction', label: 'Transaction', fmt: (v) => v },
  { key: 'tpm', label: 'TPM', fmt: (v) => fmtRate(v) },
  { key: 'p50', label: 'p50', fmt: fmtMs },
  { key: 'p75', label: 'p75', fmt: fmtMs },
  { key: 'p95', label: 'p95', fmt: fmtMs },
  { key: 'p99', label: 'p99', fmt: fmtMs },
  { key: 'failureRate', label: 'Failure rate', fmt: fmtPct },
  { key: 'apdex', label: 'Apdex', fmt: (v) => v.toFixed(2) },
  { key: 'userMisery', label: 'User misery', fmt: (v) => v.toFixed(3) },
  { key: 'count', label: 'Count', fmt: (v) => fmtNum(v) },
  { key: 'estimatedCount', label: 'Extrapolated', fmt: (v) => fmtNum(Math.round(v)) },
];

export function sortRows(rows, sort) {
  const desc = sort.startsWith('-');
  const key = sort.replace(/^-/, '');
  const out = rows.slice();
  out.sort((a, b) => {
    const x = a[key];
    const y = b[key];
    const c = typeof x === 'string' ? x.localeCompare(y) : x - y;
    return desc ? -c : c;
  });
  return out;
}

function Charts({ params, query }) {
  const state = useApi(() => api('/api/v1/transactions/timeseries', { ...rangeParams(params), query, interval: intervalFor(params) }),
    [params.toString(), query]);
  return h(Loading, { state }, () => {
    const pts = state.data.data;
    const total = pts.reduce((s, p) => s + p.count, 0);
    return h('div', { class: 'grid3', id: 'charts' },
      h(LineChart, { title: 'Throughput (tpm)', summary: fmtNum(total) + ' total', points: pts.map((p) => ({ t: p.timestamp, v: p.tpm })), format: (v) => fmtNum(v, 1) }),
      h(LineChart, { title: 'p95 duration', color: '#d97706', points: pts.map((p) => ({ t: p.timestamp, v: p.p95 })), format: fmtMs }),
      h(LineChart, { title: 'Failure rate', color: '#d62f4b', points: pts.map((p) => ({ t: p.timestamp, v: p.failureRate })), format: (v) => fmtPct(v) }));
  });
}

export function Overview({ params, project }) {
  const query = params.get('query') || '';
  const sort = params.get('sort') || '-count';
  const [draft, setDraft] = useState(query);
  const state = useApi(() => api('/api/v1/transactions', { ...rangeParams(params), query, limit: 500 }), [params.toString()]);
  const header = (c) => {
    const on = sort.replace(/^-/, '') === c.key;
    const next = on && sort.startsWith('-') ? c.key : '-' + c.key;
    return h('th', { key: c.key, class: 'sortable' + (on ? ' sorted' : ''), 'data-col': c.key,
      onClick: () => setParams({ sort: next }) }, c.label, on ? (sort.startsWith('-') ? ' ↓' : ' ↑') : '');
  };
  return h('div', null,
    h('h1', null, 'Performance'),
    h(Charts, { params, query }),
    h('div', { class: 'card' },
      h('form', { class: 'toolbar', onSubmit: (e) => { e.preventDefault(); setParams({ query: draft }); } },
        h('input', { type: 'search', id: 'search', placeholder: 'Search: name, or op:… status:… environment:… release:… !key:…', value: draft,
          onInput: (e) => setDraft(e.target.value), class: 'wide' }),
        h('button', { type: 'submit' }, 'Search')),
      h(Loading, { state }, () => {
        const rows = sortRows(state.data.data, sort);
        if (!rows.length) {
          return query ? h('p', { class: 'muted' }, 'No transaction matches this search.')
            : h(GettingStarted, { project });
        }
        return h('table', { class: 'data', id: 'transactions' },
          h('thead', null, h('tr', null, COLUMNS.map(header))),
          h('tbody', null, rows.map((r) => h('tr', { key: r.transaction },
            COLUMNS.map((c) => h('td', { key: c.key, class: c.key === 'transaction' ? 'left' : '' },
              c.key === 'transaction'
                ? [h('a', { key: 'a', href: href('/performance/summary', { transaction: r.transaction }), class: 'txn-link' }, r.transaction),
                  r.transaction === UNPARAMETERIZED && h('span', { key: 'b', class: 'badge orphan', id: 'unparameterized',
                    title: 'URL-named transactions beyond the project\'s cap of distinct names, folded into one row; '
                      + 'learned rules (project settings API) keep new names within it' }, 'names over the cap')]
                : c.fmt(r[c.key])))))));
      })));
}

export { quoted };
