// Errors: the error events of the project, each linked to its trace and span.
import { h, api, useApi, rangeParams, Loading } from './lib.js';
import { ErrorTable } from './summary.js';
import { GettingStarted } from './empty.js';

export function Errors({ params, project }) {
  const state = useApi(() => api('/api/v1/errors', { ...rangeParams(params), limit: 200 }), [params.toString()]);
  return h('div', null,
    h('h1', null, 'Errors'),
    h('div', { class: 'card' }, h(Loading, { state }, () => state.data.data.length
      ? h(ErrorTable, { rows: state.data.data, id: 'error-list' })
      : h(GettingStarted, { project, what: 'errors' }))));
}
