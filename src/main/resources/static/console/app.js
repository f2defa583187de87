// The Weft console: a hash-routed page over the REST API. Views: sign-in, workflows, a workflow, runs, a run
// (live), approvals inbox.
import { api, currentSession, signIn, signOut, oidcProvider, ApiError } from './api.js';
import { h, when, json, toast, problemText } from './dom.js';
import { drawGraph } from './graph.js';
import { editorView } from './editor.js';
import { diffLines } from './diff.js';
import { agentView } from './agent.js';
import { credentialsView, keysView, auditView } from './admin.js';
import { insightsView } from './insights.js';

const main = document.getElementById('main');
let session = null;
let cleanup = [];

function show(...children) {
  for (const c of cleanup) c();
  cleanup = [];
  main.replaceChildren(...children);
}

function fail(e) {
  if (e instanceof ApiError && e.status === 401) { session = null; route(); return; }
  show(h('h1', {}, 'Something went wrong'), h('pre', { class: 'error' }, e instanceof ApiError ? problemText(e) : String(e)));
}

function title(text) {
  document.title = `${text} · Weft`;
  return h('h1', {}, text);
}

// ---- sign-in -------------------------------------------------------------------------------------------
// What went wrong in a sign-in through the provider (the server sends the browser to #/signin?error=<code>).
const OIDC_ERRORS = {
  'oidc.provider_error': 'The identity provider did not sign you in (you may have cancelled). Try again.',
  'oidc.state': 'The sign-in could not be matched to this browser, or took too long. Start it again from this page.',
  'oidc.exchange': 'The identity provider did not accept the sign-in code. Start the sign-in again.',
  'oidc.token': 'The identity provider\'s token was not accepted by Weft (wrong audience, signature, tenant or role claims). Ask your administrator.',
  'oidc.unavailable': 'The identity provider cannot be reached right now. Try again later.',
  'oidc.disabled': 'Sign-in through an identity provider is not configured.',
};

function signInError() {
  const [path, q] = location.hash.slice(1).split('?');
  if (path !== '/signin' || !q) return '';
  const code = new URLSearchParams(q).get('error');
  if (!code) return '';
  return `${OIDC_ERRORS[code] || 'The sign-in did not succeed.'} (${code})`;
}

function signInView(message) {
  message = message || signInError();
  const secret = h('input', { type: 'password', id: 'secret', name: 'secret', autocomplete: 'current-password', required: true });
  const err = h('p', { class: 'error', role: 'alert', id: 'signin-error' }, message || '');
  const form = h('form', { class: 'signin panel', 'aria-labelledby': 'signin-title' },
    h('h1', { id: 'signin-title' }, 'Sign in to Weft'),
    h('label', { for: 'secret' }, 'API key or access token'),
    secret,
    h('p', { class: 'muted' }, 'The key stays in this browser as an HttpOnly session cookie; signing out ends the session.'),
    err,
    h('button', { type: 'submit', class: 'primary', id: 'sign-in' }, 'Sign in'));
  const oidc = h('div', { class: 'oidc', id: 'oidc-signin' });
  form.appendChild(oidc);
  oidcProvider().then(p => {
    if (!p) return;
    oidc.replaceChildren(h('p', { class: 'muted' }, 'or'),
      h('a', { class: 'button primary', id: 'sign-in-oidc', href: p.start }, `Sign in with ${p.displayName}`));
  }).catch(() => { /* no provider button: the key form still works */ });
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    try {
      session = await signIn(secret.value.trim());
      secret.value = '';
      header();
      if (!location.hash || location.hash.startsWith('#/signin')) location.hash = '#/workflows'; else route();
    } catch (e) {
      err.textContent = e instanceof ApiError ? problemText(e) : String(e);
    }
  });
  show(form);
  secret.focus();
}

function header() {
  document.getElementById('nav').hidden = !session;
  document.getElementById('sign-out').hidden = !session;
  document.getElementById('who').textContent = session ? `${session.principal} · ${session.roles.join(', ')} · ${session.tenant}` : '';
  const roles = session ? session.roles : [];
  const allowed = { credentials: roles.some(r => ['admin', 'editor', 'operator'].includes(r)), keys: roles.includes('admin'),
    audit: roles.includes('admin') };
  for (const a of document.querySelectorAll('[data-role-nav]')) a.hidden = !allowed[a.dataset.nav];
  const here = (location.hash.split(/[/?]/)[1] || 'workflows');
  for (const a of document.querySelectorAll('[data-nav]')) {
    if (a.dataset.nav === here) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
}

// ---- workflows -----------------------------------------------------------------------------------------
async function workflowsView(show) {
  const data = await api('GET', '/api/workflows?limit=200');
  const search = h('input', { type: 'search', id: 'wf-search', placeholder: 'name or id' });
  const body = h('tbody');
  const fill = () => {
    const q = search.value.trim().toLowerCase();
    body.replaceChildren(...data.workflows
      .filter(w => !q || w.id.toLowerCase().includes(q) || (w.name || '').toLowerCase().includes(q))
      .map(w => h('tr', {},
        h('td', {}, h('a', { href: `#/workflows/${encodeURIComponent(w.id)}` }, w.name || w.id)),
        h('td', {}, w.id), h('td', {}, `v${w.latestVersion}`), h('td', {}, when(w.updatedAt)))));
  };
  search.addEventListener('input', fill);
  fill();
  show(title('Workflows'),
    h('div', { class: 'filters' }, h('div', {}, h('label', { for: 'wf-search' }, 'Search'), search),
      h('a', { href: '#/new', id: 'new-workflow' }, 'New workflow')),
    data.workflows.length === 0 ? h('p', { class: 'muted' }, 'No workflows yet. POST one to /api/workflows.') :
      h('table', { class: 'responsive' }, h('thead', {}, h('tr', {}, h('th', {}, 'Name'), h('th', {}, 'Id'),
        h('th', {}, 'Version'), h('th', {}, 'Updated'))), body));
}

async function workflowView(show, id, version) {
  const wf = await api('GET', version ? `/api/workflows/${encodeURIComponent(id)}/versions/${version}`
    : `/api/workflows/${encodeURIComponent(id)}`);
  const versions = await api('GET', `/api/workflows/${encodeURIComponent(id)}/versions`);
  const def = wf.definition;
  const graphBox = h('div', { class: 'panel', id: 'graph' });
  const detail = h('div', { class: 'panel', id: 'node-detail' }, h('p', { class: 'muted' }, 'Select a node to see its config.'));
  let drawn;
  const select = nodeId => {
    drawn.select(nodeId);
    const n = def.nodes.find(x => x.id === nodeId);
    detail.replaceChildren(h('h2', {}, n.id), h('p', {}, n.type), h('pre', {}, json(n)));
  };
  const input = h('textarea', { id: 'run-input', 'aria-describedby': 'run-input-help' }, '{}');
  const runErr = h('pre', { class: 'error', role: 'alert' });
  const start = async () => {
    runErr.textContent = '';
    let body;
    try { body = JSON.parse(input.value || '{}'); } catch { runErr.textContent = 'The input is not JSON.'; return; }
    try {
      const r = await api('POST', `/api/workflows/${encodeURIComponent(id)}/runs`, { input: body });
      location.hash = `#/runs/${encodeURIComponent(r.runId)}`;
    } catch (e) { runErr.textContent = problemText(e); }
  };
  const jsonView = h('details', {}, h('summary', {}, 'Definition as JSON'), h('pre', {}, json(def)));
  const versionList = h('ul', {}, ...versions.versions.map(v => h('li', {},
    h('a', { href: `#/workflows/${encodeURIComponent(id)}/v/${v.version}` }, `v${v.version}`),
    ` · ${when(v.createdAt)} · ${v.createdBy || ''}`)));
  const vs = versions.versions.map(v => v.version);
  const fromSel = h('select', { id: 'diff-from', 'aria-label': 'Compare from version' }, ...vs.map(v => h('option', { value: v, selected: v === (vs[1] ?? vs[0]) }, `v${v}`)));
  const toSel = h('select', { id: 'diff-to', 'aria-label': 'Compare to version' }, ...vs.map(v => h('option', { value: v, selected: v === vs[0] }, `v${v}`)));
  const diffOut = h('pre', { id: 'diff', class: 'diff' });
  const compare = async () => {
    const [a, b] = await Promise.all([fromSel.value, toSel.value].map(v =>
      api('GET', `/api/workflows/${encodeURIComponent(id)}/versions/${v}`)));
    const lines = diffLines(json(a.definition), json(b.definition));
    const changedLines = lines.filter(l => l.op !== ' ').length;
    diffOut.replaceChildren(changedLines === 0 ? h('span', {}, 'No differences.') : '',
      ...lines.map(l => h('span', { class: l.op === '+' ? 'add' : l.op === '-' ? 'del' : 'same' }, `${l.op} ${l.line}`)));
  };
  show(title(def.name || id),
    h('p', { class: 'muted' }, `${id} · version ${wf.version} · trigger ${def.trigger?.type || 'manual'} · `,
      h('a', { href: `#/workflows/${encodeURIComponent(id)}/edit`, id: 'edit-workflow' }, 'Edit')),
    h('div', { class: 'layout' },
      h('div', {}, graphBox, jsonView),
      h('div', {}, detail,
        h('div', { class: 'panel' }, h('h2', {}, 'Start a run'),
          h('label', { for: 'run-input' }, 'Input (JSON)'), input,
          h('p', { id: 'run-input-help', class: 'muted' }, 'The run starts on the latest version.'),
          h('button', { type: 'button', class: 'primary', id: 'start-run', onclick: start }, 'Start run'), runErr,
          h('p', {}, h('a', { href: `#/runs?workflowId=${encodeURIComponent(id)}` }, 'Runs of this workflow'))),
        h('div', { class: 'panel' }, h('h2', {}, 'Versions'), versionList,
          h('div', { class: 'actions' }, fromSel, toSel, h('button', { type: 'button', id: 'compare', onclick: () => compare().catch(fail) }, 'Compare')),
          diffOut))));
  drawn = drawGraph(graphBox, def, { onSelect: select, label: `Graph of ${id}` });
}

// ---- runs ----------------------------------------------------------------------------------------------
const STATUSES = ['', 'RUNNING', 'WAITING', 'PAUSED', 'COMPLETED', 'FAILED', 'CANCELED', 'TERMINATED', 'TIMED_OUT'];

async function runsView(show, params) {
  const wf = h('input', { type: 'text', id: 'f-workflow', value: params.get('workflowId') || '' });
  const st = h('select', { id: 'f-status' }, ...STATUSES.map(s => h('option', { value: s, selected: s === (params.get('status') || '') }, s || 'any')));
  const query = new URLSearchParams({ limit: '100' });
  if (params.get('workflowId')) query.set('workflowId', params.get('workflowId'));
  if (params.get('status')) query.set('status', params.get('status'));
  const data = await api('GET', `/api/runs?${query}`);
  const apply = ev => {
    ev.preventDefault();
    const q = new URLSearchParams();
    if (wf.value.trim()) q.set('workflowId', wf.value.trim());
    if (st.value) q.set('status', st.value);
    location.hash = `#/runs?${q}`;
  };
  show(title('Runs'),
    h('form', { class: 'filters', onsubmit: apply },
      h('div', {}, h('label', { for: 'f-workflow' }, 'Workflow id'), wf),
      h('div', {}, h('label', { for: 'f-status' }, 'Status'), st),
      h('button', { type: 'submit' }, 'Filter')),
    data.runs.length === 0 ? h('p', { class: 'muted' }, 'No runs match.') :
      h('table', { class: 'responsive' },
        h('thead', {}, h('tr', {}, ...['Run', 'Workflow', 'Status', 'Trigger', 'Started', 'Ended'].map(t => h('th', {}, t)))),
        h('tbody', {}, ...data.runs.map(r => h('tr', {},
          h('td', {}, h('a', { href: `#/runs/${encodeURIComponent(r.runId)}` }, r.runId)),
          h('td', {}, `${r.workflowId} v${r.version}`),
          h('td', { class: `status s-${r.status}` }, r.status), h('td', {}, r.trigger || ''),
          h('td', {}, when(r.startedAt)), h('td', {}, when(r.endedAt)))))));
}

const NODE_STATUS = { node_started: 'running', node_attempt_failed: 'running', node_waiting: 'waiting',
  node_completed: 'completed', node_failed: 'failed', node_skipped: 'skipped', node_canceled: 'canceled' };
const KINDS = ['run_started', 'run_completed', 'run_failed', 'run_canceled', 'run_terminated', 'run_paused', 'run_resumed',
  'node_started', 'node_waiting', 'node_decision', 'node_reminder', 'node_escalated', 'node_attempt_failed',
  'node_attempt_completed', 'node_completed', 'node_failed', 'node_skipped', 'node_canceled'];

async function runView(show, runId, stillCurrent = () => true) {
  let state = await api('GET', `/api/runs/${encodeURIComponent(runId)}`);
  const wf = await api('GET', `/api/workflows/${encodeURIComponent(state.workflowId)}/versions/${state.version}`);
  const def = wf.definition;
  const statusEl = h('span', { class: `status s-${state.status}`, id: 'run-status' }, state.status);
  const graphBox = h('div', { class: 'panel', id: 'graph' });
  const detail = h('div', { class: 'panel', id: 'node-detail' }, h('p', { class: 'muted' }, 'Select a node to see its input, output and attempts.'));
  const timeline = h('ol', { class: 'timeline', id: 'timeline' });
  const eventsByNode = new Map();
  let selected = null;
  let drawn;
  const renderDetail = () => {
    if (!selected) return;
    const n = state.nodes?.[selected] || {};
    const evs = eventsByNode.get(selected) || [];
    const started = evs.find(e => e.kind === 'node_started');
    detail.replaceChildren(h('h2', {}, selected),
      h('p', {}, h('span', { class: `status s-${n.status}` }, n.status || 'PENDING'), ` · ${n.type || ''} · attempts ${n.attempts ?? 0}`,
        n.startedAt ? ` · ${when(n.startedAt)}` : '', n.startedAt && n.endedAt ? ` · ${new Date(n.endedAt) - new Date(n.startedAt)} ms` : ''),
      started?.input !== undefined ? h('div', {}, h('h3', {}, 'Input'), h('pre', {}, json(started.input))) : null,
      n.output !== undefined && n.output !== null ? h('div', {}, h('h3', {}, 'Output'), h('pre', { id: 'node-output' }, json(n.output))) : null,
      n.error ? h('div', {}, h('h3', {}, 'Error'), h('pre', { class: 'error' }, json(n.error))) : null,
      n.task ? h('div', {}, h('h3', {}, 'Waiting for'), h('pre', {}, json(n.task)), h('a', { href: '#/inbox' }, 'Open the inbox')) : null,
      evs.length ? h('div', {}, h('h3', {}, 'Attempts and events'), h('ul', {}, ...evs.map(e =>
        h('li', {}, `${e.kind} #${e.attempt}${e.durationMs != null ? ` · ${e.durationMs} ms` : ''}${e.error ? ` · ${e.error.code}` : ''}`)))) : null);
  };
  const select = id => { selected = id; drawn.select(id); renderDetail(); };
  const paint = () => {
    statusEl.textContent = state.status;
    statusEl.className = `status s-${state.status}`;
    for (const [id, n] of Object.entries(state.nodes || {})) drawn.setStatus(id, n.status);
    buttons();
    renderDetail();
  };
  const control = async action => {
    try { await api('POST', `/api/runs/${encodeURIComponent(runId)}/${action}`, {}); await refresh(); }
    catch (e) { toast(problemText(e)); }
  };
  const cancelB = h('button', { type: 'button', class: 'danger', id: 'cancel-run', onclick: () => control('cancel') }, 'Cancel');
  const pauseB = h('button', { type: 'button', id: 'pause-run', onclick: () => control('pause') }, 'Pause');
  const resumeB = h('button', { type: 'button', id: 'resume-run', onclick: () => control('resume') }, 'Resume');
  const open = () => ['RUNNING', 'WAITING', 'PAUSED'].includes(state.status);
  const buttons = () => {
    cancelB.hidden = !open();
    pauseB.hidden = !open() || state.status === 'PAUSED';
    resumeB.hidden = state.status !== 'PAUSED';
  };
  let pending = null;
  const refresh = async () => {
    try { state = await api('GET', `/api/runs/${encodeURIComponent(runId)}`); paint(); } catch (e) { toast(problemText(e)); }
  };
  const refreshSoon = () => { if (!pending) pending = setTimeout(() => { pending = null; refresh(); }, 250); };
  const temporal = session?.temporalUiUrl
    ? h('a', { href: `${session.temporalUiUrl.replace(/\/$/, '')}/namespaces/default/workflows/${encodeURIComponent(runId)}`,
      target: '_blank', rel: 'noopener' }, 'Open in the Temporal UI') : null;
  show(title(`Run ${runId}`),
    h('p', {}, statusEl, ` · ${state.workflowId} v${state.version} · started ${when(state.startedAt)}`,
      state.startedBy ? ` by ${state.startedBy}` : '', ' ', temporal),
    h('div', { class: 'actions' }, pauseB, resumeB, cancelB),
    h('div', { class: 'layout' },
      h('div', {}, graphBox,
        state.output !== undefined && state.output !== null ? h('details', {}, h('summary', {}, 'Run output'), h('pre', {}, json(state.output))) : null,
        state.error ? h('pre', { class: 'error' }, json(state.error)) : null),
      h('div', {}, detail, h('div', { class: 'panel' }, h('h2', {}, 'Timeline'), timeline))));
  if (!stillCurrent()) return;
  drawn = drawGraph(graphBox, def, { onSelect: select, label: `Run ${runId}` });
  paint();
  // Live: the run's event stream colours the graph as nodes start, wait and end.
  const source = new EventSource(`/api/runs/${encodeURIComponent(runId)}/events/stream`);
  cleanup.push(() => source.close());
  const onEvent = msg => {
    const e = JSON.parse(msg.data);
    timeline.appendChild(h('li', {}, `${new Date(e.at).toLocaleTimeString()} ${e.kind}${e.nodeId && e.nodeId !== '$run' ? ` ${e.nodeId}` : ''}`
      + `${e.attempt > 1 ? ` #${e.attempt}` : ''}`));
    if (e.nodeId && NODE_STATUS[e.kind]) {
      if (!eventsByNode.has(e.nodeId)) eventsByNode.set(e.nodeId, []);
      eventsByNode.get(e.nodeId).push(e);
      drawn.setStatus(e.nodeId, NODE_STATUS[e.kind]);
    }
    if (e.kind.startsWith('run_') || ['node_completed', 'node_failed', 'node_waiting', 'node_decision'].includes(e.kind)) refreshSoon();
    if (['run_completed', 'run_failed', 'run_canceled', 'run_terminated'].includes(e.kind)) source.close();
  };
  for (const k of KINDS) source.addEventListener(k, onEvent);
}

// ---- approvals inbox -----------------------------------------------------------------------------------
function formFields(schema) {
  const props = schema?.properties || {};
  const required = new Set(schema?.required || []);
  return Object.entries(props).map(([name, p]) => {
    const id = `field-${name}`;
    let input;
    if (Array.isArray(p.enum)) input = h('select', { id, name }, h('option', { value: '' }, ''), ...p.enum.map(v => h('option', { value: String(v) }, String(v))));
    else if (p.type === 'boolean') input = h('input', { type: 'checkbox', id, name });
    else input = h('input', { type: p.type === 'number' || p.type === 'integer' ? 'number' : 'text', id, name,
      step: p.type === 'integer' ? '1' : p.type === 'number' ? 'any' : undefined });
    return { name, p, input, node: h('div', {}, h('label', { for: id }, `${p.title || name}${required.has(name) ? ' *' : ''}`), input,
      h('span', { class: 'error', id: `${id}-error`, role: 'alert' })) };
  });
}

function formValues(fields) {
  const values = {};
  for (const f of fields) {
    if (f.p.type === 'boolean') values[f.name] = f.input.checked;
    else if (f.input.value === '') continue;
    else if (f.p.type === 'number' || f.p.type === 'integer') values[f.name] = Number(f.input.value);
    else values[f.name] = f.input.value;
  }
  return values;
}

function taskCard(t, reload) {
  const comment = h('textarea', { id: `comment-${t.runId}-${t.nodeId}`, name: 'comment' });
  const err = h('pre', { class: 'error', role: 'alert' });
  const schema = t.details?.schema || t.schema;
  const fields = t.kind === 'form' ? formFields(schema) : [];
  // A failed node asking what to do: retry (with its config edited here), skip (with a substitute output), stop.
  const ask = t.kind === 'ask' || (t.actions || []).includes('retry');
  const askConfig = ask ? h('textarea', { id: `ask-config-${t.runId}-${t.nodeId}`, rows: 6, class: 'json' },
    t.details?.config ? json(t.details.config) : '') : null;
  const askOutput = ask ? h('textarea', { id: `ask-output-${t.runId}-${t.nodeId}`, rows: 3, class: 'json',
    placeholder: '{"substitute": "output"}' }) : null;
  const act = async (decision) => {
    err.textContent = '';
    for (const f of fields) document.getElementById(`field-${f.name}-error`).textContent = '';
    try {
      const base = `/api/runs/${encodeURIComponent(t.runId)}/nodes/${encodeURIComponent(t.nodeId)}`;
      if (t.kind === 'form') await api('POST', `${base}/submit`, { values: formValues(fields), comment: comment.value || undefined });
      else {
        const body = { decision, comment: comment.value || undefined };
        if (ask && decision === 'retry' && askConfig.value.trim() && askConfig.value.trim() !== json(t.details?.config ?? null)) {
          body.config = JSON.parse(askConfig.value);
        }
        if (ask && decision === 'skip' && askOutput.value.trim()) body.output = JSON.parse(askOutput.value);
        await api('POST', `${base}/decision`, body);
      }
      toast(`${decision} recorded for ${t.nodeId}`);
      reload();
    } catch (e) {
      err.textContent = problemText(e);
      for (const v of e.errors || []) {
        const m = /^\/values\/(.+)$/.exec(v.path || '');
        const slot = m && document.getElementById(`field-${m[1]}-error`);
        if (slot) slot.textContent = v.message;
      }
    }
  };
  const actions = t.kind === 'form' ? ['submit'] : (t.actions || ['approve', 'reject']);
  return h('section', { class: 'card', 'data-task': `${t.runId}/${t.nodeId}`, 'aria-label': t.title },
    h('h3', {}, t.title || t.nodeId),
    h('p', { class: 'muted' }, `${t.kind} · ${t.workflowId} · `, h('a', { href: `#/runs/${encodeURIComponent(t.runId)}` }, t.runId),
      ` · since ${when(t.since)}`, t.due ? ` · due ${when(t.due)}` : ''),
    t.description ? h('p', {}, t.description) : null,
    t.details && Object.keys(t.details).length ? h('details', {}, h('summary', {}, 'Details'), h('pre', {}, json(t.details))) : null,
    ...fields.map(f => f.node),
    ask && t.details?.error ? h('p', { class: 'error' }, `${t.details.error.code}: ${t.details.error.message} (after ${t.details.attempts} attempts)`) : null,
    ask ? h('div', {}, h('label', { for: askConfig.id }, 'Config for a retry (JSON, edit to change it)'), askConfig,
      h('label', { for: askOutput.id }, 'Output if skipped (JSON, optional)'), askOutput) : null,
    h('label', { for: comment.id }, 'Comment'), comment,
    h('div', { class: 'actions' }, ...actions.map(a => h('button', { type: 'button', class: a === 'approve' || a === 'submit' || a === 'retry' ? 'primary' : a === 'reject' || a === 'stop' ? 'danger' : '',
      'data-action': a, onclick: () => act(a) }, a[0].toUpperCase() + a.slice(1)))),
    err);
}

async function inboxView(show) {
  const data = await api('GET', '/api/approvals?status=pending&limit=100');
  const reload = () => route();
  show(title('Approvals'),
    data.tasks.length === 0 ? h('p', { class: 'muted', id: 'inbox-empty' }, 'Nothing is waiting for you.')
      : h('div', { id: 'inbox' }, ...data.tasks.map(t => taskCard(t, reload))));
}

// ---- routing -------------------------------------------------------------------------------------------
let current = 0;

async function route() {
  // Only the latest navigation may draw: a slower, earlier one (a page still loading) is dropped.
  const mine = ++current;
  const draw = (...children) => { if (mine === current) show(...children); };
  try {
    if (!session) {
      try { session = await currentSession(); } catch (e) {
        if (e instanceof ApiError && (e.status === 401 || e.status === 403)) { header(); signInView(); return; }
        throw e;
      }
    }
    header();
    const [path, q] = (location.hash.slice(1) || '/workflows').split('?');
    const params = new URLSearchParams(q || '');
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    if (parts[0] === 'new') await editorView(draw, null);
    else if (parts[0] === 'workflows' && parts[1] && parts[2] === 'edit') await editorView(draw, parts[1]);
    else if (parts[0] === 'workflows' && parts[1]) await workflowView(draw, parts[1], parts[2] === 'v' ? parts[3] : null);
    else if (parts[0] === 'runs' && parts[1]) await runView(draw, parts[1], () => mine === current);
    else if (parts[0] === 'runs') await runsView(draw, params);
    else if (parts[0] === 'inbox') await inboxView(draw);
    else if (parts[0] === 'agent') agentView(draw);
    else if (parts[0] === 'credentials') await credentialsView(draw, session);
    else if (parts[0] === 'keys') await keysView(draw);
    else if (parts[0] === 'audit') await auditView(draw, params);
    else if (parts[0] === 'insights') await insightsView(draw, params, fn => cleanup.push(fn));
    else await workflowsView(draw);
    main.focus({ preventScroll: true });
  } catch (e) { fail(e); }
}

document.getElementById('sign-out').addEventListener('click', async () => {
  try { await signOut(); } catch (e) { /* the session may have ended already */ }
  session = null;
  header();
  signInView('Signed out.');
});
window.addEventListener('hashchange', route);
route();
