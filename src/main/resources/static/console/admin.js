// Pages for those allowed: credentials (metadata only, values are write-only), API keys, the audit trail.
import { api } from './api.js';
import { h, when, json, problemText } from './dom.js';

const CREDENTIAL_FIELDS = {
  bearer: ['token'],
  basic: ['username', 'password'],
  apiKey: ['name', 'in', 'value'],
  header: ['headers'],
  oauth2ClientCredentials: ['tokenUrl', 'clientId', 'clientSecret', 'scopes'],
  custom: ['json'],
};
const SECRET = new Set(['token', 'password', 'value', 'clientSecret']);

export async function credentialsView(show, session) {
  const data = await api('GET', '/api/credentials?limit=500');
  const canEdit = session.roles.some(r => r === 'admin' || r === 'editor');
  const name = h('input', { type: 'text', id: 'cred-name' });
  const type = h('select', { id: 'cred-type' }, ...Object.keys(CREDENTIAL_FIELDS).map(t => h('option', { value: t }, t)));
  const fields = h('div', { id: 'cred-fields' });
  const err = h('pre', { class: 'error', role: 'alert' });
  const fill = () => fields.replaceChildren(...CREDENTIAL_FIELDS[type.value].map(f => h('div', {},
    h('label', { for: `cred-${f}` }, f), f === 'headers' || f === 'json' || f === 'scopes'
      ? h('textarea', { id: `cred-${f}`, rows: 2, placeholder: f === 'scopes' ? '["read"]' : '{"X-Key": "..."}' })
      : h('input', { type: SECRET.has(f) ? 'password' : 'text', id: `cred-${f}`, autocomplete: 'off' }))));
  type.addEventListener('change', fill);
  fill();
  const create = async ev => {
    ev.preventDefault();
    err.textContent = '';
    const d = {};
    try {
      for (const f of CREDENTIAL_FIELDS[type.value]) {
        const v = document.getElementById(`cred-${f}`).value;
        if (v === '') continue;
        if (f === 'json') Object.assign(d, JSON.parse(v));
        else d[f] = f === 'headers' || f === 'scopes' ? JSON.parse(v) : v;
      }
    } catch { err.textContent = 'A JSON field is not JSON.'; return; }
    try {
      await api('POST', '/api/credentials', { name: name.value.trim(), type: type.value, data: d });
      credentialsView(show, session);
    } catch (e) { err.textContent = problemText(e); }
  };
  show(h('h1', {}, 'Credentials'),
    h('p', { class: 'muted' }, 'Values are encrypted at rest and never shown again, here or anywhere in the API.'),
    h('table', { class: 'responsive', id: 'credentials' },
      h('thead', {}, h('tr', {}, ...['Name', 'Type', 'Created', 'Updated', 'Last used', ''].map(t => h('th', {}, t)))),
      h('tbody', {}, ...data.credentials.map(c => h('tr', {}, h('td', {}, c.name), h('td', {}, c.type),
        h('td', {}, `${when(c.createdAt)} ${c.createdBy || ''}`), h('td', {}, when(c.updatedAt)), h('td', {}, when(c.lastUsedAt)),
        h('td', {}, canEdit ? h('button', { type: 'button', class: 'danger', 'aria-label': `Delete credential ${c.name}`,
          onclick: async () => {
            if (!confirm(`Delete credential ${c.name}? Runs naming it will fail.`)) return;
            try { await api('DELETE', `/api/credentials/${encodeURIComponent(c.name)}`); credentialsView(show, session); }
            catch (e) { err.textContent = problemText(e); }
          } }, 'Delete') : ''))))),
    canEdit ? h('form', { class: 'panel', onsubmit: create, 'aria-labelledby': 'new-cred' }, h('h2', { id: 'new-cred' }, 'New credential'),
      h('label', { for: 'cred-name' }, 'Name'), name, h('label', { for: 'cred-type' }, 'Type'), type, fields,
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: 'cred-create' }, 'Create')), err) : err);
}

export async function keysView(show) {
  const data = await api('GET', '/api/keys?limit=500');
  const principal = h('input', { type: 'text', id: 'key-principal' });
  const roles = h('select', { id: 'key-role' }, ...['viewer', 'operator', 'editor', 'admin'].map(r => h('option', { value: r }, r)));
  const groups = h('input', { type: 'text', id: 'key-groups', placeholder: 'comma separated' });
  const shown = h('div', { id: 'key-shown', role: 'status' });
  const err = h('pre', { class: 'error', role: 'alert' });
  const create = async ev => {
    ev.preventDefault();
    err.textContent = '';
    try {
      const r = await api('POST', '/api/keys', { principal: principal.value.trim(), roles: [roles.value],
        groups: groups.value.split(',').map(s => s.trim()).filter(Boolean) });
      await keysView(show);
      document.getElementById('key-shown').replaceChildren(h('p', {}, `Key for ${r.principal} — copy it now, it is shown only once:`),
        h('pre', { id: 'new-key' }, r.key));
    } catch (e) { err.textContent = problemText(e); }
  };
  show(h('h1', {}, 'API keys'), shown,
    h('table', { class: 'responsive', id: 'keys' },
      h('thead', {}, h('tr', {}, ...['Prefix', 'Principal', 'Roles', 'Groups', 'Created', 'Last used', ''].map(t => h('th', {}, t)))),
      h('tbody', {}, ...data.keys.map(k => h('tr', {}, h('td', {}, k.prefix), h('td', {}, k.principal), h('td', {}, k.roles.join(', ')),
        h('td', {}, (k.groups || []).join(', ')), h('td', {}, `${when(k.createdAt)} ${k.createdBy || ''}`), h('td', {}, when(k.lastUsedAt)),
        h('td', {}, h('button', { type: 'button', class: 'danger', 'aria-label': `Revoke key ${k.prefix} of ${k.principal}`, onclick: async () => {
          if (!confirm(`Revoke ${k.principal}'s key ${k.prefix}?`)) return;
          try { await api('DELETE', `/api/keys/${encodeURIComponent(k.id)}`); keysView(show); } catch (e) { err.textContent = problemText(e); }
        } }, 'Revoke')))))),
    h('form', { class: 'panel', onsubmit: create, 'aria-labelledby': 'new-key-title' }, h('h2', { id: 'new-key-title' }, 'New key'),
      h('label', { for: 'key-principal' }, 'Principal'), principal, h('label', { for: 'key-role' }, 'Role'), roles,
      h('label', { for: 'key-groups' }, 'Groups'), groups,
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: 'key-create' }, 'Create key')), err));
}

export async function auditView(show, params) {
  const q = new URLSearchParams({ limit: '200' });
  for (const k of ['principal', 'action', 'runId']) if (params.get(k)) q.set(k, params.get(k));
  const data = await api('GET', `/api/audit?${q}`);
  const inputs = Object.fromEntries(['principal', 'action', 'runId'].map(k => [k, h('input', { type: 'text', id: `audit-${k}`, value: params.get(k) || '' })]));
  const apply = ev => {
    ev.preventDefault();
    const next = new URLSearchParams();
    for (const [k, i] of Object.entries(inputs)) if (i.value.trim()) next.set(k, i.value.trim());
    location.hash = `#/audit?${next}`;
  };
  const csv = new URLSearchParams(q);
  csv.set('format', 'csv');
  csv.set('limit', '1000');
  show(h('h1', {}, 'Audit trail'),
    h('form', { class: 'filters', onsubmit: apply },
      ...Object.entries(inputs).map(([k, i]) => h('div', {}, h('label', { for: i.id }, k), i)),
      h('button', { type: 'submit' }, 'Filter'),
      h('a', { href: `/api/audit?${csv}`, id: 'audit-csv', download: 'weft-audit.csv' }, 'Export CSV')),
    h('table', { class: 'responsive', id: 'audit' },
      h('thead', {}, h('tr', {}, ...['When', 'Principal', 'Action', 'Target', 'Run', 'Details'].map(t => h('th', {}, t)))),
      h('tbody', {}, ...data.entries.map(e => h('tr', {}, h('td', {}, when(e.at)), h('td', {}, e.principal), h('td', {}, e.action),
        h('td', {}, `${e.targetType || ''} ${e.targetId || ''}`), h('td', {}, e.runId ? h('a', { href: `#/runs/${encodeURIComponent(e.runId)}` }, e.runId) : ''),
        h('td', {}, h('details', {}, h('summary', {}, 'show'), h('pre', {}, json(e.details)))))))));
}
