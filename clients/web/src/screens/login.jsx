import { useState } from 'preact/hooks';
import { t } from '../i18n.js';
import { login } from '../api.js';
import { refreshCaches } from '../data.js';
import { authLost, sync } from '../sync.js';
import { Field, go } from '../ui.jsx';

export function Login() {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  async function submit(e) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(username.trim(), password);
      authLost.set(false);
      refreshCaches().catch(() => {}).then(sync);
      go(sessionStorage.getItem('scraptrace.after-login') || '/');
      sessionStorage.removeItem('scraptrace.after-login');
    } catch (err) {
      setError(err.status === 401 ? t('badLogin') : err.message);
    } finally {
      setBusy(false);
    }
  }
  return (
    <form class="screen card" onSubmit={submit}>
      <h2>{t('login')}</h2>
      <Field label={t('username')}>
        <input data-testid="username" value={username} autocomplete="username" autocapitalize="none"
               onInput={(e) => setUsername(e.currentTarget.value)} required />
      </Field>
      <Field label={t('password')}>
        <input data-testid="password" type="password" value={password} autocomplete="current-password"
               onInput={(e) => setPassword(e.currentTarget.value)} required />
      </Field>
      {error ? <p class="bad" data-testid="login-error">{error}</p> : null}
      <button class="btn primary" data-testid="login-submit" disabled={busy}>{t('login')}</button>
    </form>
  );
}
