// The Spindle web UI: sign-in, the shell (project, time range, navigation) and the router.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { h, api, parseHash, href, navigate, setParams, setUnauthorizedHandler, setAccess } from './lib.js';
import { Overview } from './overview.js';
import { Summary } from './summary.js';
import { TraceView } from './trace.js';
import { Discover } from './discover.js';
import { Errors } from './errors.js';
import { Services } from './services.js';
import { Settings } from './settings.js';

function SignIn({ onDone }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState(null);
  const submit = async (ev) => {
    ev.preventDefault();
    setError(null);
    try {
      await api('/auth/session', {}, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ token }) });
      onDone();
    } catch (e) {
      setError(e.message);
    }
  };
  return h('form', { class: 'signin card', onSubmit: submit, id: 'signin' },
    h('h1', null, 'Sign in to Spindle'),
    h('p', { class: 'muted' }, 'Paste an API token. The first start printed one and wrote it to ', h('code', null, '<data>/bootstrap.json'),
      '; make more with ', h('code', null, 'bin/spindle tokens create'), '.'),
    h('input', { type: 'password', name: 'token', placeholder: 'spd_…', value: token, autocomplete: 'off',
      onInput: (e) => setToken(e.target.value) }),
    error ? h('p', { class: 'error-text' }, error) : null,
    h('button', { class: 'primary', type: 'submit' }, 'Sign in'));
}

const RANGES = ['1h', '24h', '7d'];

function toLocalInput(iso) {
  return iso ? iso.slice(0, 16) : '';
}

function TimeRange({ params }) {
  const custom = params.get('start') && params.get('end');
  const [open, setOpen] = useState(false);
  const [start, setStart] = useState(toLocalInput(params.get('start')) || new Date(Date.now() - 3600e3).toISOString().slice(0, 16));
  const [end, setEnd] = useState(toLocalInput(params.get('end')) || new Date().toISOString().slice(0, 16));
  const period = custom ? null : (params.get('period') || '24h');
  return h('div', { class: 'range' },
    RANGES.map((r) => h('button', { key: r, class: period === r ? 'on' : '', 'data-range': r,
      onClick: () => setParams({ period: r, start: '', end: '' }) }, r)),
    h('button', { class: custom ? 'on' : '', onClick: () => setOpen(!open), 'data-range': 'custom' }, 'custom'),
    open ? h('span', null,
      h('input', { type: 'datetime-local', value: start, onInput: (e) => setStart(e.target.value), title: 'start (UTC)' }),
      h('input', { type: 'datetime-local', value: end, onInput: (e) => setEnd(e.target.value), title: 'end (UTC)' }),
      h('button', { onClick: () => { setOpen(false); setParams({ start: start + ':00Z', end: end + ':00Z', period: '' }); } }, 'Apply'))
      : null);
}

function Shell({ route, projects, me, onSignOut, onProjectsChanged }) {
  const { path, params } = route;
  const chosen = projects.find((p) => String(p.id) === params.get('project'));
  const project = chosen || projects[0];
  const section = path.split('/')[1];
  // Every view is a shareable link: the project always goes into the URL, and it is one this
  // token may see (the list holds only those).
  const missingProject = !chosen && project;
  useEffect(() => { if (missingProject) setParams({ project: String(project.id) }); }, [missingProject]);
  const link = (p, label) => h('a', { href: href(p), class: section === p.slice(1) ? 'active' : '' }, label);
  let view = null;
  const props = { params, project, projects };
  if (missingProject) view = null;
  else if (path === '/performance') view = h(Overview, props);
  else if (path === '/performance/summary') view = h(Summary, props);
  else if (path.startsWith('/trace/')) view = h(TraceView, { ...props, traceId: path.slice(7) });
  else if (path === '/discover') view = h(Discover, props);
  else if (path === '/errors') view = h(Errors, props);
  else if (path === '/services') view = h(Services, props);
  else if (path === '/settings') view = h(Settings, { ...props, me, onProjectsChanged });
  else view = h('div', { class: 'card' }, 'No such page. ', h('a', { href: href('/performance') }, 'Go to Performance'));
  return h('div', null,
    h('header', { class: 'top' },
      h('a', { class: 'brand', href: href('/performance') }, 'Spindle'),
      h('nav', null, link('/performance', 'Performance'), link('/discover', 'Discover'), link('/errors', 'Errors'), link('/services', 'Services'),
        me.scope === 'admin' ? link('/settings', 'Settings') : null),
      h('span', { class: 'spacer' }),
      h('select', { id: 'project', title: 'project', value: project ? String(project.id) : '',
        onChange: (e) => setParams({ project: e.target.value }) },
        projects.map((p) => h('option', { key: p.id, value: String(p.id) }, `${p.name} (#${p.id})`))),
      h(TimeRange, { params }),
      h('button', { id: 'signout', onClick: onSignOut }, 'Sign out')),
    h('main', null, view));
}

function App() {
  const [route, setRoute] = useState(parseHash());
  const [auth, setAuth] = useState(null); // null unknown, false signed out, true signed in
  const [projects, setProjects] = useState(null);
  const [me, setMe] = useState(null); // the token behind the session: its scope and projects
  const [error, setError] = useState(null);

  useEffect(() => {
    const on = () => setRoute(parseHash());
    window.addEventListener('hashchange', on);
    setUnauthorizedHandler(() => setAuth(false));
    return () => window.removeEventListener('hashchange', on);
  }, []);
  useEffect(() => {
    api('/auth/session').then((s) => setAuth(!!s.signedIn), (e) => setError(e.message));
  }, []);
  const loadProjects = () => api('/api/v1/projects').then((r) => setProjects(r.data), (e) => setError(e.message));
  useEffect(() => {
    if (!auth) return;
    api('/api/v1/whoami').then((t) => { setAccess(t); setMe(t); }, (e) => setError(e.message));
    loadProjects();
  }, [auth]);

  if (error) return h('main', null, h('div', { class: 'notice bad' }, error));
  if (auth === null) return h('p', { class: 'loading' }, 'Loading…');
  if (!auth) return h(SignIn, { onDone: () => setAuth(true) });
  if (!projects || !me) return h('p', { class: 'loading' }, 'Loading projects…');
  const signOut = async () => {
    await api('/auth/session', {}, { method: 'DELETE' }).catch(() => {});
    setProjects(null);
    setMe(null);
    setAuth(false);
  };
  return h(Shell, { route, projects, me, onSignOut: signOut, onProjectsChanged: loadProjects });
}

// Uncaught errors are kept for the browser tests' failure messages.
window.__spindleErrors = [];
window.addEventListener('error', (e) => window.__spindleErrors.push(String(e.message)));
window.addEventListener('unhandledrejection', (e) => window.__spindleErrors.push(String(e.reason && e.reason.stack || e.reason)));

if (!location.hash) navigate('/performance', {}, false);
render(h(App), document.getElementById('app'));
