// The trace view: one waterfall for the whole trace across services, virtualized.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { h, api, href, fmtMs, fmtTime, colorFor, ownProject } from './lib.js';

const ROW = 24;
const OVERSCAN = 12;
const GAP_MS = 100;

/** Builds the tree: transactions and spans joined by span ids, orphans under the root. */
export function buildTree(trace) {
  const nodes = [];
  const bySpan = new Map();
  const services = new Map();
  const add = (n) => {
    nodes.push(n);
    if (!bySpan.has(n.id)) bySpan.set(n.id, n);
  };
  for (const t of trace.transactions) {
    const key = t.service || `project ${t.projectId}`;
    if (!services.has(key)) services.set(key, services.size);
    const tn = { id: t.spanId, kind: 'txn', txn: t, parentSpanId: t.parentSpanId, start: t.startTimestamp, end: t.timestamp,
      op: t.op, desc: t.name, status: t.status, tags: t.tags, data: t.data, colorKey: key, children: [], errors: [],
      orphan: t.orphan, skew: t.skewAdjustedMs };
    add(tn);
    for (const s of t.spans) {
      add({ id: s.spanId, kind: 'span', span: s, txnNode: tn, parentSpanId: s.parentSpanId, start: s.startTimestamp, end: s.timestamp,
        op: s.op, desc: s.description, status: s.status, tags: s.tags, data: s.data, colorKey: key, children: [], errors: [] });
    }
  }
  for (const s of trace.looseSpans || []) {
    add({ id: s.spanId, kind: 'span', span: s, parentSpanId: s.parentSpanId, start: s.startTimestamp, end: s.timestamp,
      op: s.op, desc: s.description, status: s.status, tags: s.tags, data: s.data, colorKey: 'unknown transaction', children: [], errors: [] });
  }
  const roots = [];
  const orphans = [];
  for (const n of nodes) {
    const p = n.parentSpanId ? bySpan.get(n.parentSpanId) : null;
    if (p && p !== n) {
      n.parent = p;
      p.children.push(n);
    } else if (n.kind === 'txn' && n.parentSpanId) {
      orphans.push(n);
    } else if (n.kind === 'span' && n.txnNode && n.txnNode !== n) {
      n.parent = n.txnNode; // its parent span is missing: keep it in its transaction
      n.txnNode.children.push(n);
    } else {
      roots.push(n);
    }
  }
  roots.sort((a, b) => a.start - b.start);
  const main = roots.find((r) => r.kind === 'txn');
  for (const o of orphans) {
    o.orphanLink = true;
    if (main) {
      o.parent = main;
      main.children.push(o);
    } else {
      roots.push(o);
    }
  }
  for (const n of nodes) n.children.sort((a, b) => a.start - b.start || (a.kind === 'txn') - (b.kind === 'txn'));
  const unlinkedErrors = [];
  for (const e of trace.errors) {
    const n = e.spanId ? bySpan.get(e.spanId) : null;
    if (n) n.errors.push(e);
    else unlinkedErrors.push(e);
  }
  let start = Infinity;
  let end = -Infinity;
  for (const n of nodes) {
    start = Math.min(start, n.start);
    end = Math.max(end, n.end);
  }
  if (!nodes.length) {
    for (const e of trace.errors) {
      start = Math.min(start, e.timestamp);
      end = Math.max(end, e.timestamp);
    }
  }
  const missingParents = new Set(orphans.map((o) => o.parentSpanId)).size;
  return { nodes, roots, orphans, missingParents, services, unlinkedErrors, bySpan, start, end: Math.max(end, start + 1e-6),
    rootCount: roots.filter((r) => r.kind === 'txn').length };
}

/** The visible rows: nodes in time and ancestry order, skipping collapsed subtrees, with gap rows. */
export function flatten(tree, collapsed) {
  const rows = [];
  const stack = [];
  for (let i = tree.roots.length - 1; i >= 0; i--) stack.push({ node: tree.roots[i], depth: 0 });
  const seen = new Set();
  while (stack.length) {
    const item = stack.pop();
    if (item.gap) {
      rows.push(item);
      continue;
    }
    const { node, depth } = item;
    if (seen.has(node)) continue; // a cycle in bad data
    seen.add(node);
    rows.push({ node, depth });
    if (!node.children.length || collapsed.has(node.id)) continue;
    const items = [];
    let cursor = null;
    for (const c of node.children) {
      if (cursor !== null && (c.start - cursor) * 1000 >= GAP_MS && !c.orphanLink) {
        items.push({ gap: true, depth: depth + 1, start: cursor, end: c.start, key: 'gap-' + c.id });
      }
      items.push({ node: c, depth: depth + 1 });
      cursor = cursor === null ? c.end : Math.max(cursor, c.end);
    }
    for (let i = items.length - 1; i >= 0; i--) stack.push(items[i]);
  }
  return rows;
}

/** Time of a node not covered by any of its children, in ms. */
export function selfTimeMs(node) {
  const iv = node.children.filter((c) => !c.orphanLink)
    .map((c) => [Math.max(c.start, node.start), Math.min(c.end, node.end)])
    .filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  let covered = 0;
  let cs = null;
  let ce = null;
  for (const [a, b] of iv) {
    if (cs === null || a > ce) {
      if (cs !== null) covered += ce - cs;
      cs = a;
      ce = b;
    } else {
      ce = Math.max(ce, b);
    }
  }
  if (cs !== null) covered += ce - cs;
  return Math.max(0, (node.end - node.start - covered) * 1000);
}

function Row({ row, index, tree, selected, collapsed, onSelect, onToggle, lostHere }) {
  const total = tree.end - tree.start;
  const style = { transform: `translateY(${index * ROW}px)` };
  const indent = row.depth * 14;
  if (row.gap) {
    const left = ((row.start - tree.start) / total) * 100;
    const width = ((row.end - row.start) / total) * 100;
    return h('div', { class: 'wf-row gap', style, key: row.key },
      h('div', { class: 'label', style: { paddingLeft: indent + 26 + 'px' } }, 'missing instrumentation'),
      h('div', { class: 'track' },
        h('div', { class: 'gap-bar', style: { left: left + '%', width: Math.max(0.2, width) + '%' }, title: 'no span covers this time' }),
        h('span', { class: 'dur', style: { left: `calc(${left + width}% + 4px)` } }, fmtMs((row.end - row.start) * 1000))));
  }
  const n = row.node;
  const color = colorFor(n.colorKey, tree.services);
  const left = ((n.start - tree.start) / total) * 100;
  const width = ((n.end - n.start) / total) * 100;
  const open = !collapsed.has(n.id);
  const failed = n.status && !['ok', 'cancelled', 'unknown', 'unknown_error'].includes(n.status);
  const cls = 'wf-row ' + n.kind + (selected ? ' selected' : '') + (n.orphanLink ? ' orphan' : '');
  return h('div', { class: cls, style, 'data-id': n.id, key: n.id, role: 'treeitem', 'aria-selected': selected ? 'true' : 'false',
    'aria-expanded': n.children.length ? String(open) : undefined, onClick: () => onSelect(n.id) },
    h('div', { class: 'label', style: { paddingLeft: indent + 'px', '--indent': (indent - 10) + 'px' } },
      n.children.length
        ? h('button', { class: 'toggle', 'data-id': n.id, title: open ? 'collapse' : 'expand',
          onClick: (e) => { e.stopPropagation(); onToggle(n.id); } }, open ? '−' : '+')
        : h('span', { class: 'leaf' }),
      h('span', { class: 'swatch', style: { background: color } }),
      h('span', { class: 'op' }, n.op || (n.kind === 'txn' ? 'transaction' : 'span')),
      h('span', { class: 'desc' }, n.desc || ''),
      n.children.length && !open ? h('span', { class: 'badge orphan' }, n.children.length + ' hidden') : null,
      n.orphanLink ? h('span', { class: 'badge orphan', title: 'parent span ' + n.parentSpanId + ' is missing' }, 'orphan') : null,
      lostHere && lostHere.has(n.id) ? h('a', { class: 'badge lost', href: href('/trace/' + lostHere.get(n.id)),
        title: 'the trace context never arrived: the callee started a new trace' },
      'context lost \u2192 trace ' + lostHere.get(n.id).slice(0, 8)) : null,
      n.skew ? h('span', { class: 'badge skew', title: 'moved to fix clock skew between machines' },
        `clock shifted ${n.skew > 0 ? '+' : ''}${fmtMs(n.skew)}`) : null,
      failed ? h('span', { class: 'badge status' }, n.status) : null,
      n.errors.length ? h('span', { class: 'badge err', title: n.errors.map((e) => e.message).join('\n') },
        `${n.errors.length} error${n.errors.length > 1 ? 's' : ''}`) : null),
    h('div', { class: 'track' },
      h('div', { class: 'span-bar', style: { left: left + '%', width: Math.max(0.15, width) + '%', background: color,
        opacity: n.kind === 'txn' ? 1 : 0.75, outline: failed ? '2px solid #d62f4b' : '' } }),
      h('span', { class: 'dur' + (left + width > 85 && left <= 15 ? ' inside' : ''), style: left + width <= 85 ? { left: `calc(${left + width}% + 4px)` }
        : left > 15 ? { right: `calc(${100 - left}% + 4px)` } : { left: `calc(${left}% + 4px)` } },
        fmtMs((n.end - n.start) * 1000))));
}

function KeyValues({ obj }) {
  const entries = Object.entries(obj || {});
  if (!entries.length) return h('p', { class: 'muted' }, 'none');
  return h('dl', null, entries.flatMap(([k, v]) => [h('dt', { key: 'k' + k }, k),
    h('dd', { key: 'v' + k, class: 'mono' }, typeof v === 'string' ? v : JSON.stringify(v))]));
}

function Detail({ node, tree, onClose }) {
  const t = node.kind === 'txn' ? node.txn : null;
  const dur = (node.end - node.start) * 1000;
  return h('div', { class: 'card detail', id: 'detail' },
    h('div', { class: 'toolbar' }, h('h2', { style: { margin: 0, flex: 1 } }, t ? 'Transaction' : 'Span'), h('button', { onClick: onClose, title: 'close (Esc)' }, '×')),
    h('dl', null,
      t ? [h('dt', null, 'name'), h('dd', null, t.name)] : null,
      h('dt', null, 'op'), h('dd', null, node.op || '–'),
      h('dt', null, 'description'), h('dd', null, node.desc || '–'),
      h('dt', null, 'status'), h('dd', null, node.status),
      h('dt', null, 'service'), h('dd', null, node.colorKey),
      h('dt', null, 'span id'), h('dd', { class: 'mono' }, node.id),
      h('dt', null, 'parent'), h('dd', { class: 'mono' }, node.parentSpanId || '–', node.orphanLink ? ' (missing)' : ''),
      h('dt', null, 'start'), h('dd', null, '+' + fmtMs((node.start - tree.start) * 1000), h('br'), h('span', { class: 'muted' }, fmtTime(node.start))),
      h('dt', null, 'duration'), h('dd', null, fmtMs(dur)),
      h('dt', null, 'self time'), h('dd', { id: 'self-time' }, fmtMs(selfTimeMs(node))),
      t && t.skewAdjustedMs ? [h('dt', null, 'clock skew'), h('dd', null, `shifted by ${fmtMs(t.skewAdjustedMs)} to fit its parent span`)] : null,
      t ? [h('dt', null, 'event id'), h('dd', { class: 'mono' }, t.eventId)] : null,
      t && t.release ? [h('dt', null, 'release'), h('dd', null, t.release)] : null,
      t && t.environment ? [h('dt', null, 'environment'), h('dd', null, t.environment)] : null),
    node.errors.length ? h('div', null, h('h2', null, 'Errors'), node.errors.map((e) => h('div', { class: 'notice bad', key: e.eventId },
      h('b', null, e.exceptionType || e.level), ' ', e.message || ''))) : null,
    h('h2', null, 'Tags'), h(KeyValues, { obj: node.tags }),
    h('h2', null, 'Data'), h(KeyValues, { obj: node.data }));
}

function Waterfall({ tree, initialSpan, lostHere }) {
  const [collapsed, setCollapsed] = useState(() => new Set());
  const [selected, setSelected] = useState(initialSpan && tree.bySpan.has(initialSpan) ? initialSpan : null);
  const [showDetail, setShowDetail] = useState(!!selected);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);
  const box = useRef(null);
  const rows = useMemo(() => flatten(tree, collapsed), [tree, collapsed]);
  const indexOf = useMemo(() => {
    const m = new Map();
    rows.forEach((r, i) => { if (!r.gap) m.set(r.node.id, i); });
    return m;
  }, [rows]);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    setHeight(el.clientHeight);
    const onResize = () => setHeight(el.clientHeight);
    window.addEventListener('resize', onResize);
    return () => window.removeEventListener('resize', onResize);
  }, []);
  useEffect(() => {
    if (!selected || !box.current) return;
    const i = indexOf.get(selected);
    if (i === undefined) return;
    const el = box.current;
    if (i * ROW < el.scrollTop) el.scrollTop = i * ROW;
    else if ((i + 1) * ROW > el.scrollTop + el.clientHeight) el.scrollTop = (i + 1) * ROW - el.clientHeight;
  }, [selected, indexOf]);

  const toggle = (id) => setCollapsed((c) => {
    const n = new Set(c);
    if (n.has(id)) n.delete(id);
    else n.add(id);
    return n;
  });
  const select = (id) => {
    setSelected(id);
    setShowDetail(true);
  };
  const onKey = (e) => {
    const nodeRows = rows.filter((r) => !r.gap);
    if (!nodeRows.length) return;
    let i = selected ? nodeRows.findIndex((r) => r.node.id === selected) : -1;
    const cur = i >= 0 ? nodeRows[i].node : null;
    if (e.key === 'ArrowDown') i = Math.min(nodeRows.length - 1, i + 1);
    else if (e.key === 'ArrowUp') i = Math.max(0, i - 1);
    else if (e.key === 'ArrowLeft' && cur) {
      if (cur.children.length && !collapsed.has(cur.id)) toggle(cur.id);
      else if (cur.parent) setSelected(cur.parent.id);
      e.preventDefault();
      return;
    } else if (e.key === 'ArrowRight' && cur) {
      if (cur.children.length && collapsed.has(cur.id)) toggle(cur.id);
      else if (cur.children.length) setSelected(cur.children[0].id);
      e.preventDefault();
      return;
    } else if (e.key === 'Enter' && cur) {
      setShowDetail(!showDetail);
      e.preventDefault();
      return;
    } else if (e.key === 'Escape') {
      setShowDetail(false);
      return;
    } else {
      return;
    }
    e.preventDefault();
    setSelected(nodeRows[Math.max(0, i)].node.id);
  };

  const first = Math.max(0, Math.floor(scrollTop / ROW) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((scrollTop + height) / ROW) + OVERSCAN);
  const visible = [];
  for (let i = first; i < last; i++) {
    const r = rows[i];
    visible.push(h(Row, { key: r.gap ? r.key : r.node.id, row: r, index: i, tree, selected: !r.gap && r.node.id === selected,
      collapsed, onSelect: select, onToggle: toggle, lostHere }));
  }
  const node = selected ? tree.bySpan.get(selected) : null;
  return h('div', { class: 'trace-layout' + (showDetail && node ? '' : ' nodetail') },
    h('div', { class: 'waterfall' },
      h('div', { class: 'wf-head' }, h('div', null, `${tree.nodes.length} spans · ${rows.length} rows`),
        h('div', null, '0 ms … ' + fmtMs((tree.end - tree.start) * 1000))),
      h('div', { class: 'wf-scroll', ref: box, tabIndex: 0, role: 'tree', id: 'waterfall', onKeyDown: onKey,
        onScroll: (e) => setScrollTop(e.currentTarget.scrollTop) },
        h('div', { style: { height: rows.length * ROW + 'px', position: 'relative' } }, visible))),
    showDetail && node ? h(Detail, { node, tree, onClose: () => setShowDetail(false) }) : null);
}

/**
 * Where this trace's context was lost, from the service map's examples around it: `here` maps
 * its client spans whose callee started a new trace to that trace, `from` lists the calls this
 * trace started in place of.
 */
function lostContext(map, traceId) {
  const here = new Map();
  const from = [];
  for (const e of map.edges) {
    for (const x of e.examples) {
      if (!x.continuedTraceId) continue;
      if (x.traceId === traceId) here.set(x.spanId, x.continuedTraceId);
      if (x.continuedTraceId === traceId) from.push({ ...x, source: e.source });
    }
  }
  return { here, from };
}

const VERDICT_TEXT = { complete: 'complete', missing_root: 'missing root', gap: 'gap', lost: 'context lost', truncated: 'truncated' };

/** A trace's completeness verdict (the API's `verdict`) as a badge. */
export function VerdictBadge({ verdict }) {
  return h('span', { class: 'badge verdict ' + verdict, title: 'completeness verdict' }, VERDICT_TEXT[verdict] || verdict);
}

/** What the verdict found, in words: missing root, gaps at which hop, dropped spans. */
function VerdictNotice({ verdict }) {
  const parts = [];
  if (verdict.rootMissing) parts.push('its root transaction is missing (every span names a parent that never arrived)');
  for (const g of verdict.gaps) parts.push(`a span is missing between ${g.source} and ${g.target} (${g.transaction || g.spanId})`);
  if (verdict.droppedSpans) parts.push(`the SDK dropped ${verdict.droppedSpans} span${verdict.droppedSpans > 1 ? 's' : ''} (span limit)`);
  if (!parts.length) return null;
  return h('div', { class: 'notice', id: 'verdict-notice' }, 'This trace is incomplete: ', parts.join('; '), '.');
}

export function TraceView({ params, traceId }) {
  const [state, setState] = useState({ loading: true });
  const [lost, setLost] = useState(null);
  useEffect(() => {
    let live = true;
    setState({ loading: true });
    const t0 = performance.now();
    api('/api/v1/traces/' + encodeURIComponent(traceId), ownProject(params)).then((trace) => {
      if (!live) return;
      const t1 = performance.now();
      const tree = buildTree(trace);
      setState({ trace, tree, timing: { fetchMs: t1 - t0, buildMs: performance.now() - t1, t0 } });
    }, (error) => live && setState({ error }));
    return () => { live = false; };
  }, [traceId, params.get('project')]);
  useEffect(() => {
    if (!state.tree) return undefined;
    let live = true;
    setLost(null);
    // The calls around this trace that lost their context (a narrow window: cheap).
    api('/api/v1/service-map', { ...ownProject(params), start: String(Math.floor(state.tree.start) - 90), end: String(Math.ceil(state.tree.end) + 90) })
      .then((m) => live && setLost(lostContext(m, traceId)), () => {});
    return () => { live = false; };
  }, [state.tree]);
  useEffect(() => {
    if (!state.tree) return;
    requestAnimationFrame(() => {
      window.__spindleTrace = { spans: state.tree.nodes.length, ...state.timing, totalMs: performance.now() - state.timing.t0 };
    });
  }, [state.tree]);
  if (state.error) return h('div', { class: 'notice bad' }, state.error.message);
  if (state.loading) return h('p', { class: 'muted' }, 'Loading trace…');
  const { trace, tree } = state;
  const services = [...tree.services.keys()];
  return h('div', null,
    h('p', { class: 'muted' }, h('a', { href: href('/performance') }, 'Performance'), ' / trace'),
    h('h1', null, 'Trace ', h('span', { class: 'mono' }, trace.traceId), trace.verdict ? h(VerdictBadge, { verdict: trace.verdict.verdict }) : null),
    trace.verdict ? h(VerdictNotice, { verdict: trace.verdict }) : null,
    h('div', { class: 'legend' }, services.map((s) => h('span', { key: s }, h('i', { style: { background: colorFor(s, tree.services) } }), s)),
      h('span', { class: 'kbd' }, '↑ ↓ move · ← → collapse/expand · Enter details')),
    tree.orphans.length ? h('div', { class: 'notice', id: 'orphan-notice' },
      `${tree.orphans.length} orphan transaction${tree.orphans.length > 1 ? 's' : ''}: ${tree.missingParents} parent span${tree.missingParents > 1 ? 's are' : ' is'} missing from this trace `
      + '(never arrived, dropped or not sampled). Orphans are joined to the root by a dashed line.') : null,
    lost && lost.here.size ? h('div', { class: 'notice bad', id: 'lost-notice' },
      `Trace context was lost on ${lost.here.size} call${lost.here.size > 1 ? 's' : ''}: the callee started a new trace instead (marked "context lost" below). `,
      'Continued as ', [...lost.here.values()].map((t) => h('a', { key: t, class: 'continued-trace', href: href('/trace/' + t) }, 'trace ', t.slice(0, 8), ' ')))
      : null,
    lost && lost.from.length ? h('div', { class: 'notice bad', id: 'continued-notice' },
      'This trace started in place of a call whose trace context was lost: ',
      lost.from.map((x) => h('a', { key: x.spanId, class: 'lost-call', href: href('/trace/' + x.traceId, { span: x.spanId }) },
        x.source, ': ', x.description || x.spanId, ' ')))
      : null,
    tree.rootCount > 1 ? h('div', { class: 'notice' }, `This trace has ${tree.rootCount} root transactions: is one trace id used for several requests?`) : null,
    tree.unlinkedErrors.length ? h('div', { class: 'notice bad' }, `${tree.unlinkedErrors.length} error(s) in this trace are not linked to any span here: `,
      tree.unlinkedErrors.map((e) => h('span', { key: e.eventId }, h('b', null, e.exceptionType || e.level), ' ', e.message, '; '))) : null,
    h(Waterfall, { tree, initialSpan: params.get('span'), lostHere: lost && lost.here }));
}
