// The admin API as the console calls it: the session cookie goes along by itself; every state-changing call also
// carries the session's CSRF token. Every failure becomes an ApiError whose message is a sentence for a person.

let csrfToken = null;
let onSignedOut = () => {};

export function setCsrfToken(token) { csrfToken = token; }
export function whenSignedOut(handler) { onSignedOut = handler; }

export class ApiError extends Error {
  constructor(status, code, detail) {
    super(detail);
    this.status = status;
    this.code = code;
  }
}

export async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let response;
  try {
    response = await fetch(`/api/v1/${path}`, {
      method, headers, credentials: 'same-origin', cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    throw new ApiError(0, 'network', 'The gateway could not be reached. Check that hookcast serve is running, then try again.');
  }
  if (response.status === 204) return null;
  let data = null;
  try { data = await response.json(); } catch { data = null; }
  if (!response.ok) {
    const detail = data && data.detail ? data.detail : `The gateway answered ${response.status} ${response.statusText}.`;
    const error = new ApiError(response.status, data && data.error ? data.error : `http_${response.status}`, detail);
    if (response.status === 401 && path !== 'session') onSignedOut(error);
    throw error;
  }
  return data;
}

/** Path segments are ids the user typed: always encoded. */
export function segment(value) { return encodeURIComponent(value); }
