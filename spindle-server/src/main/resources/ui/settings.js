// Settings: projects (create, rotate the key, PII scrubbing) and API tokens (create, revoke), for
// admin tokens only; the server decides (403), this page only leaves out what the token may not do.
import { useState } from 'preact/hooks';
import { h, api, useApi, fmtTime, Loading } from './lib.js';

function post(path, body, method = 'POST') {
  return api(path, {}, { method, headers: { 'Content-Type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
}

function Projects({ projects, me, onChange }) {
  const [name, setName] = useState('');
  const [error, setError] = useState(null);
  const act = (p) => p.then(onChange, (e) => setError(e.message));
  return h('div', { class: 'card', id: 'project-admin' },
    h('h2', null, 'Projects'),
    h('table', { class: 'data' },
      h('thead', null, h('tr', null, h('th', null, 'Project'), h('th', { class: 'left' }, 'DSN'), h('th', null, 'PII scrubbing'), h('th', null, ''))),
      h('tbody', null, projects.map((p) => h('tr', { key: p.id, 'data-project': p.id },
        h('td', null, `${p.name} (#${p.id})`),
        h('td', { class: 'left' }, h('code', null, p.dsn)),
        h('td', null, h('input', { type: 'checkbox', class: 'scrub', checked: p.scrubPii,
          onChange: (e) => act(post('/api/v1/projects/' + p.id, { scrubPii: e.target.checked }, 'PATCH')) })),
        h('td', null, h('button', { class: 'rotate-key', onClick: () => act(post('/api/v1/projects/' + p.id + '/rotate-key')) }, 'Rotate key')))))),
    me.projects === null ? h('form', { id: 'create-project', onSubmit: (e) => { e.preventDefault(); act(post('/api/v1/projects', { name }).then(() => setName(''))); } },
      h('input', { type: 'text', name: 'name', placeholder: 'new project name', value: name, onInput: (e) => setName(e.target.value) }),
      h('button', { class: 'primary', type: 'submit' }, 'Create project')) : null,
    error ? h('p', { class: 'error-text' }, error) : null);
}

function Tokens({ projects }) {
  const [version, setVersion] = useState(0);
  const state = useApi(() => api('/api/v1/tokens'), [version]);
  const [form, setForm] = useState({ name: '', scope: 'read', projects: [] });
  const [created, setCreated] = useState(null);
  const [error, setError] = useState(null);
  const create = (e) => {
    e.preventDefault();
    setError(null);
    post('/api/v1/tokens', { name: form.name || undefined, scope: form.scope, projects: form.projects.length ? form.projects : null })
      .then((t) => { setCreated(t.token); setVersion(version + 1); }, (err) => setError(err.message));
  };
  const toggle = (id) => setForm({ ...form, projects: form.projects.includes(id) ? form.projects.filter((x) => x !== id) : [...form.projects, id] });
  const names = new Map(projects.map((p) => [p.id, p.name]));
  return h('div', { class: 'card', id: 'token-admin' },
    h('h2', null, 'API tokens'),
    h(Loading, { state }, () => h('table', { class: 'data' },
      h('thead', null, h('tr', null, h('th', null, 'Token'), h('th', null, 'Scope'), h('th', { class: 'left' }, 'Projects'), h('th', null, 'Created'), h('th', null, ''))),
      h('tbody', null, state.data.data.map((t) => h('tr', { key: t.id },
        h('td', null, `${t.name} (#${t.id})`), h('td', null, t.scope),
        h('td', { class: 'left' }, t.projects === null ? 'all' : t.projects.map((id) => names.get(id) || '#' + id).join(', ')),
        h('td', null, fmtTime(t.created)),
        h('td', null, t.revoked ? 'revoked' : h('button', { class: 'revoke',
          onClick: () => post('/api/v1/tokens/' + t.id, null, 'DELETE').then(() => setVersion(version + 1), (err) => setError(err.message)) }, 'Revoke'))))))),
    h('form', { id: 'create-token', onSubmit: create },
      h('input', { type: 'text', name: 'name', placeholder: 'label', value: form.name, onInput: (e) => setForm({ ...form, name: e.target.value }) }),
      h('select', { name: 'scope', value: form.scope, onChange: (e) => setForm({ ...form, scope: e.target.value }) },
        h('option', { value: 'read' }, 'read'), h('option', { value: 'admin' }, 'admin')),
      h('span', { class: 'muted' }, ' projects (none checked: all) '),
      projects.map((p) => h('label', { key: p.id }, h('input', { type: 'checkbox', checked: form.projects.includes(p.id), onChange: () => toggle(p.id) }), ' ', p.name, ' ')),
      h('button', { class: 'primary', type: 'submit' }, 'Create token')),
    created ? h('p', { id: 'new-token' }, 'The new token (shown once): ', h('code', null, created)) : null,
    error ? h('p', { class: 'error-text' }, error) : null);
}

export function Settings({ projects, me, onProjectsChanged }) {
  if (me.scope !== 'admin') return h('div', { class: 'card', id: 'read-only' }, 'This API token is read-only: it can see data, not change settings.');
  return h('div', null,
    h('h1', null, 'Settings'),
    h(Projects, { projects, me, onChange: onProjectsChanged }),
    me.projects === null ? h(Tokens, { projects }) : null);
}
