// Sign-in: the token is checked with GET /api/whoami before it is kept for this tab.
import { call, signIn, signOut } from './api.js';
import { byId } from './dom.js';

byId('login-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const value = byId('token').value.trim();
  signIn(value);
  try {
    await call('GET', '/api/whoami');
    location.replace('index.html');
  } catch (error) {
    signOut();
    const line = byId('notice');
    line.textContent = error.status === 401 ? 'The server does not know this token.' : error.message;
    line.hidden = false;
  }
});
