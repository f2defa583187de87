// The console's only door to Weft: the REST API of the same origin, authenticated by the session cookie.
let csrf = null;

export function setCsrf(token) { csrf = token; }

export function csrfToken() { return csrf; }

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
    this.code = this.problem.code;
    this.errors = this.problem.errors || [];
  }
}

async function answer(r) {
  if (r.status === 204) return null;
  const text = await r.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = { detail: text }; }
  if (!r.ok) throw new ApiError(r.status, data);
  return data;
}

export async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrf) headers['X-CSRF-Token'] = csrf;
  const r = await fetch(path, { method, headers, credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body) });
  return answer(r);
}

/** Signs in with an API key or a JWT: the answer sets the session cookie and names the CSRF token. */
export async function signIn(secret) {
  const r = await fetch('/api/session', { method: 'POST', credentials: 'same-origin',
    headers: { Accept: 'application/json', Authorization: `Bearer ${secret}` } });
  const s = await answer(r);
  setCsrf(s.csrfToken);
  return s;
}

/** The OIDC provider the sign-in page offers ({displayName, start}), or null when none is configured. */
export async function oidcProvider() {
  const r = await fetch('/api/session/oidc', { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  return r.ok ? r.json() : null;
}

export async function currentSession() {
  const s = await api('GET', '/api/session');
  setCsrf(s.csrfToken || null);
  return s;
}

export async function signOut() {
  await api('DELETE', '/api/session');
  setCsrf(null);
}
