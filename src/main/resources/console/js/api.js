// Calls to dr server's REST API with the token the operator signed in with. The token lives in this tab's
// sessionStorage only: it is gone when the tab closes and is never written into a page.
const TOKEN = 'devflow-dr.token';

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export function token() {
  return sessionStorage.getItem(TOKEN);
}

export function signIn(value) {
  sessionStorage.setItem(TOKEN, value);
}

export function signOut() {
  sessionStorage.removeItem(TOKEN);
}

/** One API call; resolves to the parsed JSON answer, rejects with an ApiError carrying the API's message. */
export async function call(method, path, body) {
  const headers = { Authorization: 'Bearer ' + token(), Accept: 'application/json' };
  const init = { method, headers, cache: 'no-store', credentials: 'omit' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch (e) {
    data = null;
  }
  if (!response.ok) {
    const message = data && data.error ? data.error : 'HTTP ' + response.status;
    throw new ApiError(response.status, message);
  }
  return data;
}

/** The query string of the parameters that have a value. */
export function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') {
      search.set(name, value);
    }
  }
  const text = search.toString();
  return text ? '?' + text : '';
}
