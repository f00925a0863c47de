// The empty state: how a new user sends data to the selected project.
import { h } from './lib.js';

function parseDsn(dsn) {
  const m = /^(https?):\/\/([^@:]+)(?::[^@]*)?@([^/]+)(.*)\/(\d+)$/.exec(dsn || '');
  if (!m) return null;
  return { scheme: m[1], key: m[2], host: m[3], path: m[4], id: m[5] };
}

export function GettingStarted({ project, what = 'transactions' }) {
  if (!project) return h('div', { class: 'card' }, 'No project yet: create one with ', h('code', null, 'bin/spindle projects create --name NAME'), '.');
  const d = parseDsn(project.dsn);
  const base = d ? `${d.scheme}://${d.host}${d.path}` : '';
  const otlp = d ? `${base}/api/${d.id}/integration/otlp/v1/traces` : '';
  return h('div', { class: 'card snippet', id: 'getting-started' },
    h('h2', null, `No ${what} in this time range yet — send some`),
    h('p', { class: 'muted' }, 'Point any of these at project ', h('b', null, project.name), ' and its traces appear here within seconds.'),
    h('h3', null, 'DSN'),
    h('pre', { class: 'dsn' }, project.dsn),
    h('h3', null, 'Spindle SDK (Java)'),
    h('pre', null, `Spindle.init(o -> o\n    .setDsn("${project.dsn}")\n    .setTracesSampleRate(1.0));`),
    h('h3', null, 'sentry-java (or any Sentry SDK)'),
    h('pre', null, `Sentry.init(options -> {\n  options.setDsn("${project.dsn}");\n  options.setTracesSampleRate(1.0);\n});`),
    h('h3', null, 'OpenTelemetry (OTLP/HTTP exporter)'),
    h('pre', null, `OTEL_TRACES_EXPORTER=otlp\nOTEL_EXPORTER_OTLP_TRACES_PROTOCOL=http/protobuf\nOTEL_EXPORTER_OTLP_TRACES_ENDPOINT=${otlp}\nOTEL_EXPORTER_OTLP_TRACES_HEADERS=x-sentry-auth=sentry_key=${d ? d.key : '<key>'}`));
}
