// Service worker of the phone app: the shell opens without a connection. Generated at build
// time by vite.config.js, which fills in the list of files and a version.
const VERSION = '__VERSION__';
const SHELL = __SHELL__;
const CACHE = `scraptrace-shell-${VERSION}`;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k.startsWith('scraptrace-shell-') && k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== location.origin || !url.pathname.startsWith('/app/')) return;
  if (event.request.mode === 'navigate') {
    // The network first (a new version shows at once), the cached shell when offline.
    event.respondWith(fetch(event.request).catch(() => caches.match('/app/')));
    return;
  }
  // Hashed files never change: the cache first; the scanner's lazy chunks are cached on first use.
  event.respondWith(caches.match(event.request).then((hit) => hit || fetch(event.request).then((res) => {
    if (res.ok && url.pathname.startsWith('/app/assets/')) {
      const copy = res.clone();
      caches.open(CACHE).then((c) => c.put(event.request, copy));
    }
    return res;
  })));
});
