// The phone app: login, site, and the collection centre's actions, offline first.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import './styles.css';
import { lang, setLang, t } from './i18n.js';
import { logout, session } from './api.js';
import { loadCaches } from './data.js';
import { authLost, online, queue, startAutoSync, sync, syncing } from './sync.js';
import { go, route, useSignal } from './ui.jsx';
import { Home } from './screens/home.jsx';
import { Login } from './screens/login.jsx';
import { Collect } from './screens/collect.jsx';
import { Ship } from './screens/ship.jsx';
import { Receive } from './screens/receive.jsx';
import { Sort } from './screens/sort.jsx';
import { Lookup, LotCard } from './screens/lookup.jsx';
import { Queue } from './screens/queue.jsx';
import { Assay } from './screens/assay.jsx';
import { siteName } from './data.js';
import { isDesk, mayOpen } from './roles.js';

const SCREENS = { '/': Home, '/collect': Collect, '/ship': Ship, '/receive': Receive, '/sort': Sort,
                  '/assay': Assay, '/lookup': Lookup, '/queue': Queue };

function TopBar() {
  const s = useSignal(session);
  const items = useSignal(queue);
  const isOnline = useSignal(online);
  const busy = useSignal(syncing);
  const lost = useSignal(authLost);
  const pending = items.filter((q) => q.state === 'pending').length;
  const refused = items.filter((q) => q.state === 'refused').length;
  return (
    <header class="topbar">
      <div class="row between">
        <button type="button" class="link brand" onClick={() => go('/')}>{t('app')}</button>
        <span class={`dot ${isOnline ? 'on' : 'off'}`} data-testid="net">{isOnline ? t('online') : t('offline')}</span>
        <button type="button" class="btn small" data-testid="lang" onClick={() => setLang(lang.get() === 'en' ? 'zh-CN' : 'en')}>{t('lang')}</button>
      </div>
      {s ? (
        <div class="row between">
          <span class="hint who" data-testid="who-bar">{s.username}{s.site ? ` · ${siteName(s.site)}` : ''}</span>
          {mayOpen(s.me, '/queue') ? <>
            <button type="button" class="badge-btn" data-testid="pending" onClick={() => go('/queue')}>{t('pending', { n: pending })}</button>
            <button type="button" class="btn small" data-testid="sync-now" disabled={busy} onClick={() => sync()}>{busy ? t('syncing') : t('syncNow')}</button>
          </> : null}
          <button type="button" class="link" data-testid="logout" onClick={() => logout().then(() => go('/login'))}>{t('logout')}</button>
        </div>
      ) : null}
      {refused ? <button type="button" class="alert" data-testid="refused-alert" onClick={() => go('/queue')}>{t('refusedCount', { n: refused })}</button> : null}
      {lost ? <p class="alert">{t('sessionExpired')}</p> : null}
    </header>
  );
}

// The smelter and agency screens are a chunk of their own, fetched the first time one opens.
let desk = null;
function Desk({ path }) {
  const [mod, setMod] = useState(desk);
  useEffect(() => {
    if (!mod) {
      import('./desk/desk.jsx').then((m) => { desk = m; setMod(m); })
        // Offline before the desk chunk was ever fetched: say so rather than wait forever.
        .catch(() => setMod({ DeskScreen: () => <p class="bad">{t('offline')}</p> }));
    }
  }, []);
  return <div class="desk">{mod ? <mod.DeskScreen path={path} /> : <p class="hint">…</p>}</div>;
}

function App() {
  const path = useSignal(route);
  const s = useSignal(session);
  useSignal(lang);
  let body;
  if (!s) {
    if (path !== '/login') sessionStorage.setItem('scraptrace.after-login', path);
    body = <Login />;
  } else if (path.startsWith('/lot/')) {
    body = <LotCard code={decodeURIComponent(path.slice(5))} />;
  } else if (isDesk(path) && mayOpen(s.me, path)) {
    body = <Desk path={path} />;
  } else {
    // A screen outside the user's role (an auditor's old link to /collect) opens the home screen.
    const Screen = (mayOpen(s.me, path) && SCREENS[path]) || Home;
    body = <Screen />;
  }
  return <><TopBar /><main>{body}</main></>;
}

document.documentElement.lang = lang.get();
loadCaches().finally(() => {
  render(<App />, document.getElementById('app'));
  startAutoSync();
});
if ('serviceWorker' in navigator && location.protocol !== 'file:') {
  navigator.serviceWorker.register('/app/sw.js', { scope: '/app/' }).catch(() => {});
}
