// Shared helpers: the view function, the API client, the URL (hash) state, formatting.
import { h } from 'preact';
import { useEffect, useState } from 'preact/hooks';

export { h };

/** An API failure with the server's message. */
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

let onUnauthorized = () => {};
let access = { projects: null };
/** The signed-in token (GET /api/v1/whoami): its scope and projects (null: every project). */
export function setAccess(me) { access = me; }

/** The project parameter for calls across projects (a trace): only a token limited to projects names one. */
export function ownProject(params) {
  return access.projects === null ? {} : { project: params.get('project') || undefined };
}
export function setUnauthorizedHandler(fn) { onUnauthorized = fn; }

/** GET a query API path with its parameters (arrays repeat the key); the session cookie authenticates. */
export async function api(path, params = {}, init = {}) {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) v.forEach((x) => qs.append(k, x));
    else qs.append(k, v);
  }
  const url = path + (qs.toString() ? '?' + qs : '');
  const res = await fetch(url, { credentials: 'same-origin', ...init });
  if (res.status === 401) onUnauthorized();
  const text = await res.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch (e) { body = null; }
  if (!res.ok) throw new ApiError(res.status, (body && body.detail) || `${res.status} ${res.statusText}`);
  return body;
}

/** Loads data when its inputs change: {data, error, loading}. */
export function useApi(fn, deps) {
  const [state, setState] = useState({ data: null, error: null, loading: true });
  useEffect(() => {
    let live = true;
    setState((s) => ({ data: s.data, error: null, loading: true }));
    fn().then((data) => live && setState({ data, error: null, loading: false }),
      (error) => live && setState({ data: null, error, loading: false }));
    return () => { live = false; };
  }, deps);
  return state;
}

// ---------------------------------------------------------------- URL state (the hash)

/** The current route: {path, params} from "#/path?k=v". */
export function parseHash(hash = location.hash) {
  const s = hash.replace(/^#/, '') || '/performance';
  const i = s.indexOf('?');
  const path = i < 0 ? s : s.slice(0, i);
  const params = new URLSearchParams(i < 0 ? '' : s.slice(i + 1));
  return { path, params };
}

/** "#/path?..." keeping the global parameters (project, time range) unless overridden. */
export function href(path, extra = {}, keep = true) {
  const cur = parseHash().params;
  const p = new URLSearchParams();
  if (keep) for (const k of ['project', 'period', 'start', 'end']) if (cur.get(k)) p.set(k, cur.get(k));
  for (const [k, v] of Object.entries(extra)) {
    p.delete(k);
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) v.forEach((x) => p.append(k, x));
    else p.set(k, v);
  }
  const qs = p.toString();
  return '#' + path + (qs ? '?' + qs : '');
}

export function navigate(path, extra = {}, keep = true) {
  location.hash = href(path, extra, keep);
}

/** Replaces some parameters of the current route. */
export function setParams(extra) {
  const { path } = parseHash();
  navigate(path, { ...Object.fromEntries(parseHash().params), ...extra }, false);
}

/** The API parameters of the selected project and time range. */
export function rangeParams(params) {
  const out = { project: params.get('project') || undefined };
  if (params.get('start') && params.get('end')) {
    out.start = params.get('start');
    out.end = params.get('end');
  } else {
    out.statsPeriod = params.get('period') || '24h';
  }
  return out;
}

/** A chart interval giving about 30–60 points for the range. */
export function intervalFor(params) {
  const period = params.get('period') || '24h';
  if (params.get('start') && params.get('end')) {
    const secs = (Date.parse(params.get('end')) - Date.parse(params.get('start'))) / 1000;
    return Math.max(60, Math.ceil(secs / 60)) + 's';
  }
  return { '1h': '1m', '24h': '30m', '7d': '3h' }[period] || '1h';
}

// ---------------------------------------------------------------- formatting

export function fmtMs(ms) {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '–';
  if (ms === 0) return '0 ms';
  if (ms < 1) return ms.toFixed(2) + ' ms';
  if (ms < 1000) return (ms < 10 ? ms.toFixed(1) : Math.round(ms)) + ' ms';
  if (ms < 60000) return (ms / 1000).toFixed(2) + ' s';
  return (ms / 60000).toFixed(1) + ' min';
}

export function fmtPct(x) {
  if (x === null || x === undefined) return '–';
  return (x * 100).toFixed(x > 0 && x < 0.1 ? 2 : 1) + '%';
}

export function fmtNum(x, digits = 2) {
  if (x === null || x === undefined) return '–';
  if (Number.isInteger(x)) return x.toLocaleString('en-US');
  return x.toLocaleString('en-US', { maximumFractionDigits: digits });
}

/** A rate: two decimals, or two significant digits when small. */
export function fmtRate(x) {
  if (x === null || x === undefined) return '–';
  if (x !== 0 && Math.abs(x) < 0.1) return x.toPrecision(2);
  return fmtNum(x, 2);
}

export function fmtTime(sec) {
  if (!sec) return '–';
  const d = new Date(sec * 1000);
  return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

/** A stable colour for a service or project. */
const PALETTE = ['#4f46e5', '#0d9488', '#d97706', '#db2777', '#2563eb', '#65a30d', '#7c3aed', '#dc2626', '#0891b2', '#a16207'];
export function colorFor(key, order) {
  if (order && order.has(key)) return PALETTE[order.get(key) % PALETTE.length];
  let x = 0;
  for (const c of String(key)) x = (x * 31 + c.charCodeAt(0)) >>> 0;
  return PALETTE[x % PALETTE.length];
}

/** Quotes a search value for key:"value". */
export function quoted(v) {
  return '"' + String(v).replace(/"/g, '') + '"';
}

export function Loading({ state, children }) {
  if (state.error) return h('div', { class: 'notice bad' }, state.error.message);
  if (state.loading && !state.data) return h('p', { class: 'muted' }, 'Loading…');
  return children();
}
