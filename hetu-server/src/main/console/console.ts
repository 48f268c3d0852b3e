// The admin console's page: logs in with the admin secret (the server answers with an HttpOnly
// cookie), then reads /admin/api/state every second and shows it; the row browser subscribes
// through the operator WebSocket (rows.ts). Served by the runtime at /admin.

import { chart } from './charts.js';
import { type Child, byId, bytes, el, table } from './dom.js';
import { type Operator, RowBrowser } from './rows.js';
import { type Manifest, qualified, show } from './wire.js';

interface TableState { id: number; name: string; rowSize: number; rows?: number; rowBytes?: number; indexBytes?: number }
interface ConnectionState {
  id: number; user: number; admin: boolean; operator: boolean; address: string; subscriptions: number;
  queuedBytes: number; calls: number; callsPerSecond: number; openedAt: number;
}
interface SystemState { name: string; calls: number; p50Ms: number; p99Ms: number; maxMs: number; conflicts: number;
  outcomes: Record<string, number> }
interface ErrorState { trace: string; where: string; latest: string; count: number; last: number }
interface Charts { intervalSeconds: number; callsPerSecond: number[]; p99Ms: number[]; commitsPerSecond: number[] }
interface State {
  now: number; startedAt: number; seq: number; path: string; tables: TableState[]; connections: ConnectionState[];
  systems: SystemState[]; scheduled: Record<string, number>; errors: ErrorState[]; charts: Charts;
}

const CHART_SECONDS = 300;
let manifest: Manifest | null = null;
let browser: RowBrowser | null = null;
let poller = 0;

function state(name: 'loading' | 'off' | 'login' | 'console'): void {
  document.body.dataset.state = name;
}

function replace(id: string, content: Child): void {
  const target = byId(id);
  target.replaceChildren();
  if (content !== null && content !== undefined) {
    target.append(content instanceof Node ? content : String(content));
  }
}

async function start(): Promise<void> {
  const status = await (await fetch('api/status')).json() as { enabled: boolean; loggedIn: boolean; help: string };
  if (!status.enabled) {
    byId('off-help').textContent = status.help;
    state('off');
  } else if (!status.loggedIn) {
    state('login');
  } else {
    await enter();
  }
}

async function login(event: Event): Promise<void> {
  event.preventDefault();
  const secret = byId<HTMLInputElement>('secret');
  const answer = await fetch('session', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ secret: secret.value }),
  });
  secret.value = '';
  if (answer.status === 204) {
    byId('login-error').textContent = '';
    await enter();
  } else {
    byId('login-error').textContent = await answer.text();
  }
}

async function logout(): Promise<void> {
  await fetch('logout', { method: 'POST' });
  location.reload();
}

async function enter(): Promise<void> {
  const first = await refresh();
  if (first === null) {
    return;
  }
  state('console');
  if (manifest === null) {
    manifest = await (await fetch(`${first.path}/schema.json`)).json() as Manifest;
    browser = new RowBrowser(manifest, renderRows);
    chooser(manifest);
  }
  const config = await fetch('api/config');
  byId('config').textContent = JSON.stringify(await config.json(), null, 2);
  window.clearInterval(poller);
  poller = window.setInterval(() => void refresh(), 1000);
}

/** Reads the state and shows it; null (and the login) when the login ran out. */
async function refresh(): Promise<State | null> {
  const answer = await fetch('api/state');
  if (answer.status === 401) {
    window.clearInterval(poller);
    state('login');
    return null;
  }
  const current = await answer.json() as State;
  render(current);
  return current;
}

function render(s: State): void {
  const uptime = Math.round((s.now - s.startedAt) / 1000);
  byId('where').textContent = `seq ${s.seq} · up ${Math.floor(uptime / 3600)} h ${Math.floor(uptime / 60) % 60} min`
    + ` · ${s.connections.length} connection(s)`;
  const charts = el('div', { class: 'charts' },
    chart('Calls', '/s', s.charts.callsPerSecond, CHART_SECONDS),
    chart('Call p99', 'ms', s.charts.p99Ms, CHART_SECONDS),
    chart('Commits', '/s', s.charts.commitsPerSecond, CHART_SECONDS));
  replace('charts', charts);
  replace('tables', table(['component', 'rows', 'row memory', 'index memory', 'row size', ''], s.tables.map((t) => [
    t.name, t.rows ?? '–', t.rowBytes === undefined ? '–' : bytes(t.rowBytes),
    t.indexBytes === undefined ? '–' : bytes(t.indexBytes), `${t.rowSize} B`, browseButton(t.name),
  ]), (i) => ({ 'data-table': s.tables[i].name })));
  replace('connections', s.connections.length === 0 ? el('p', {}, 'No connections.') : table(
    ['id', 'user', 'role', 'address', 'subscriptions', 'queued', 'calls', 'calls/s', 'open since', ''],
    s.connections.map((c) => [c.id, c.user === 0 ? '–' : c.user,
      c.operator ? 'operator' : c.admin ? 'admin' : 'player', c.address, c.subscriptions, bytes(c.queuedBytes),
      c.calls, c.callsPerSecond, new Date(c.openedAt).toLocaleTimeString(), kickButton(c.id)]),
    (i) => ({ 'data-connection': String(s.connections[i].id) })));
  replace('systems', s.systems.length === 0 ? el('p', {}, 'No calls yet.') : table(
    ['system', 'calls', 'p50', 'p99', 'max', 'conflict retries', 'outcomes'],
    s.systems.map((y) => [y.name, y.calls, ms(y.p50Ms), ms(y.p99Ms), ms(y.maxMs), y.conflicts,
      Object.entries(y.outcomes).map(([code, n]) => `${code} ${n}`).join(', ')]),
    (i) => ({ 'data-system': s.systems[i].name })));
  const g = s.scheduled;
  replace('scheduled', table(['pending', 'fired', 'failed', 'lateness p99', 'ticks', 'tick runs', 'tick overruns'],
    [[g.pending, g.fired, g.failed, `${g.latenessP99Micros} µs`, g.ticks, g.tickRuns, g.tickOverruns]]));
  replace('errors', s.errors.length === 0 ? el('p', {}, 'No failures since the start.') : table(
    ['trace', 'where', 'count', 'last', 'latest failure'],
    s.errors.map((e) => [el('code', {}, e.trace), e.where, e.count, new Date(e.last).toLocaleString(), e.latest]),
    (i) => ({ 'data-trace': s.errors[i].trace })));
}

function ms(value: number): string {
  return value < 1 ? `${Math.round(value * 1000)} µs` : `${value.toFixed(value < 10 ? 2 : 0)} ms`;
}

function kickButton(id: number): HTMLButtonElement {
  const button = el('button', { type: 'button', class: 'kick', 'data-kick': String(id) }, 'Kick');
  button.addEventListener('click', () => void (async () => {
    button.disabled = true;
    await fetch('api/kick', { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ connection: id }) });
    await refresh();
  })());
  return button;
}

function browseButton(name: string): Child {
  const position = manifest?.components.findIndex((c) => qualified(c) === name) ?? -1;
  if (position < 0 || (manifest?.components[position].indexes.length ?? 0) === 0) {
    return null;
  }
  const button = el('button', { type: 'button', 'data-browse': name }, 'Browse');
  button.addEventListener('click', () => {
    byId<HTMLSelectElement>('component').value = String(position);
    indexes();
    byId<HTMLSelectElement>('operator').value = 'all';
    void browse();
  });
  return button;
}

function chooser(m: Manifest): void {
  const components = byId<HTMLSelectElement>('component');
  components.replaceChildren(...m.components.map((c, i) => el('option', { value: String(i) }, qualified(c))));
  components.addEventListener('change', indexes);
  indexes();
  byId<HTMLFormElement>('browse').addEventListener('submit', (event) => {
    event.preventDefault();
    void browse();
  });
}

function indexes(): void {
  const component = manifest?.components[Number(byId<HTMLSelectElement>('component').value)];
  byId<HTMLSelectElement>('index').replaceChildren(...(component?.indexes ?? []).map((index, i) =>
    el('option', { value: String(i) }, `${index.field}${index.unique ? ' (unique)' : ''}`)));
}

async function browse(): Promise<void> {
  if (browser === null) {
    return;
  }
  const limit = byId<HTMLInputElement>('limit').value.trim();
  try {
    await browser.query({
      component: Number(byId<HTMLSelectElement>('component').value),
      index: Number(byId<HTMLSelectElement>('index').value),
      operator: byId<HTMLSelectElement>('operator').value as Operator,
      value: byId<HTMLInputElement>('value').value,
      upTo: byId<HTMLInputElement>('upto').value,
      limit: limit === '' ? -1 : Number(limit),
      descending: byId<HTMLInputElement>('descending').checked,
    });
  } catch (problem) {
    browser.status = String(problem instanceof Error ? problem.message : problem);
    renderRows();
  }
}

function renderRows(): void {
  if (browser === null) {
    return;
  }
  byId('rows-status').textContent = browser.status;
  const component = browser.current();
  if (component === null) {
    return;
  }
  const recent = Date.now() - 3000;
  const rows = browser.list();
  replace('rows', table(['id', ...component.fields.map((f) => f.name)],
    rows.map((r) => [String(r.id), ...r.cells.map(show)]),
    (i) => ({ 'data-id': String(rows[i].id), 'data-version': String(rows[i].version),
      class: rows[i].changedAt > recent ? 'changed' : '' })));
  byId('rows-count').textContent = `${rows.length} row(s) of ${qualified(component)}`;
}

byId<HTMLFormElement>('login-form').addEventListener('submit', (event) => void login(event));
byId('logout').addEventListener('click', () => void logout());
void start();
