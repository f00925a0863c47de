// Discover: ad-hoc queries over transactions and spans (fields, filters, group by, sort), CSV export.
import { useState } from 'preact/hooks';
import { h, api, useApi, setParams, rangeParams, fmtMs, fmtPct, fmtNum, Loading } from './lib.js';

/** Splits "a, p95(), apdex(300)" at top-level commas. */
export function splitFields(s) {
  const out = [];
  let depth = 0;
  let cur = '';
  for (const c of s || '') {
    if (c === '(') depth++;
    if (c === ')') depth = Math.max(0, depth - 1);
    if (c === ',' && depth === 0) {
      if (cur.trim()) out.push(cur.trim());
      cur = '';
    } else {
      cur += c;
    }
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

export function toCsv(fields, rows) {
  const cell = (v) => {
    if (v === null || v === undefined) return '';
    const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
    return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  };
  return [fields.map(cell).join(','), ...rows.map((r) => fields.map((f) => cell(r[f])).join(','))].join('\r\n') + '\r\n';
}

/** The display type of a column when the server's meta gives none. */
export function inferType(field) {
  if (/^(p\d{2,3}|avg|min|max|sum)\(((transaction\.|span\.)?duration)?\)$/.test(field)) return 'duration';
  if (/^((transaction\.|span\.)?duration)$/.test(field)) return 'duration';
  if (/^failure_rate\(\)$/.test(field)) return 'percentage';
  return null;
}

function format(v, type) {
  if (v === null || v === undefined) return '–';
  if (type === 'duration') return fmtMs(v);
  if (type === 'percentage') return fmtPct(v);
  if (typeof v === 'number') return fmtNum(v, 3);
  return String(v);
}

function Results({ params, fields }) {
  const query = params.get('query') || '';
  const sort = params.get('sort') || '';
  const state = useApi(() => api('/api/v1/discover', { ...rangeParams(params), field: fields, query, sort, limit: 1000 }),
    [params.toString()]);
  return h(Loading, { state }, () => {
    const rows = state.data.data || [];
    // meta.fields is {field: type} or a plain list of the columns.
    const meta = (state.data.meta && state.data.meta.fields) || {};
    const types = Array.isArray(meta) ? {} : meta;
    const cols = fields.length ? fields : Array.isArray(meta) ? meta : Object.keys(meta);
    const download = () => {
      const url = URL.createObjectURL(new Blob([toCsv(cols, rows)], { type: 'text/csv' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = 'spindle-discover.csv';
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    };
    return h('div', null,
      h('div', { class: 'toolbar' }, h('span', { class: 'muted', id: 'result-count' }, `${rows.length} row${rows.length === 1 ? '' : 's'}`),
        h('span', { class: 'spacer', style: { flex: 1 } }),
        h('button', { id: 'csv', onClick: download, disabled: !rows.length }, 'Export CSV')),
      rows.length ? h('table', { class: 'data', id: 'discover-results' },
        h('thead', null, h('tr', null, cols.map((c) => {
          const on = sort.replace(/^-/, '') === c;
          return h('th', { key: c, class: 'sortable' + (on ? ' sorted' : ''),
            onClick: () => setParams({ sort: on && sort.startsWith('-') ? c : '-' + c }) }, c, on ? (sort.startsWith('-') ? ' ↓' : ' ↑') : '');
        }))),
        h('tbody', null, rows.map((r, i) => h('tr', { key: i }, cols.map((c) => h('td', { key: c }, format(r[c], types[c] || inferType(c))))))))
        : h('p', { class: 'muted' }, 'No rows match.'));
  });
}

export function Discover({ params }) {
  const fieldsParam = params.getAll('field');
  const groupBy = params.get('groupBy') || '';
  const [draft, setDraft] = useState({
    groupBy: groupBy || (fieldsParam.length ? '' : 'transaction'),
    fields: fieldsParam.length ? fieldsParam.filter((f) => !splitFields(groupBy).includes(f)).join(', ') : 'count(), p50(), p95(), failure_rate()',
    query: params.get('query') || '',
    sort: params.get('sort') || '-count()',
  });
  const set = (k) => (e) => setDraft({ ...draft, [k]: e.target.value });
  const run = (e) => {
    e.preventDefault();
    const g = splitFields(draft.groupBy);
    setParams({ field: [...g, ...splitFields(draft.fields)], groupBy: g.join(', '), query: draft.query, sort: draft.sort });
  };
  return h('div', null,
    h('h1', null, 'Discover'),
    h('form', { class: 'card', onSubmit: run, id: 'discover-form' },
      h('div', { class: 'discover-bar' },
        h('label', null, 'Group by (fields or tags)', h('input', { type: 'text', name: 'groupBy', value: draft.groupBy, onInput: set('groupBy'), placeholder: 'transaction, op, tags[region]' })),
        h('label', null, 'Fields and aggregates', h('input', { type: 'text', name: 'fields', value: draft.fields, onInput: set('fields'), placeholder: 'count(), avg(duration), p95(), apdex(300), count_unique(user)' })),
        h('label', null, 'Filter', h('input', { type: 'text', name: 'query', value: draft.query, onInput: set('query'), placeholder: 'op:db !status:ok duration:>200ms has:user' })),
        h('label', null, 'Sort', h('input', { type: 'text', name: 'sort', value: draft.sort, onInput: set('sort'), placeholder: '-p95()' }))),
      h('div', { class: 'toolbar', style: { marginTop: '10px', marginBottom: 0 } }, h('button', { class: 'primary', type: 'submit', id: 'run' }, 'Run query'))),
    fieldsParam.length ? h('div', { class: 'card' }, h(Results, { params, fields: fieldsParam }))
      : h('p', { class: 'muted' }, 'Choose fields and run a query.'));
}
