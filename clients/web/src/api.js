// HTTP client of /api/v1: bearer token, problem+json errors (RFC 9457) as `Problem`.
import { signal } from './signal.js';

const KEY = 'scraptrace.session';
export const session = signal(JSON.parse(localStorage.getItem(KEY) || 'null'));

export function saveSession(next) {
  if (next) localStorage.setItem(KEY, JSON.stringify(next));
  else localStorage.removeItem(KEY);
  session.set(next);
}

export class Problem extends Error {
  constructor(status, body) {
    super(body.detail || body.title || `HTTP ${status}`);
    this.status = status;
    this.code = body.code || 'http-error';
    this.pointer = body.pointer;
  }
}

/** True for errors of the network (offline, server down), as opposed to refusals. */
export const isNetworkError = (e) => !(e instanceof Problem) || e.status >= 500;

export async function api(path, { method = 'GET', body, raw = false, token } = {}) {
  const headers = { Accept: 'application/json' };
  const bearer = token || session.get()?.token;
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`/api/v1${path}`, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) {
    let problem = {};
    try { problem = await res.json(); } catch { /* not JSON: keep the status */ }
    throw new Problem(res.status, problem);
  }
  return raw ? res : res.json();
}

/** Log out: the server revokes the token first (offline, or after 5 s, it is forgotten anyway). */
export async function logout() {
  const token = session.get()?.token;
  if (token) {
    const timeout = new Promise((resolve) => { setTimeout(resolve, 5000); });
    await Promise.race([api('/auth/token', { method: 'DELETE', raw: true, token }), timeout])
      .catch(() => { /* offline, or the token had expired: nothing left to revoke */ });
  }
  saveSession(null);
}

/** Log in and learn the user's organisation and sites; a single site is chosen at once. */
export async function login(username, password) {
  const tok = await api('/auth/token', { method: 'POST', body: { username, password } });
  const me = await api('/me', { token: tok.access_token });
  saveSession({ token: tok.access_token, expires_at: tok.expires_at, username, me,
                site: me.sites.length === 1 ? me.sites[0].code : null });
  navigator.storage?.persist?.();
}
