// Sends the outbox in order, one event per request, so that one refusal never blocks the rest.
// Runs when the app opens, when the connection returns, and on the "sync now" button.
import { api, isNetworkError, session } from './api.js';
import { signal } from './signal.js';
import { queueAll, queuePut } from './store.js';
import { refreshCaches } from './data.js';

export const queue = signal([]);
export const syncing = signal(false);
export const online = signal(navigator.onLine);
export const authLost = signal(false);
let running = null;
let again = false;

export async function loadQueue() {
  queue.set(await queueAll());
}

/** Send the outbox; asked while a run is on, it runs once more after it (an action saved
 *  during a run is not in that run's list and would otherwise wait for the next trigger). */
export function sync() {
  if (running) { again = true; return running; }
  running = doSync().finally(() => {
    running = null;
    syncing.set(false);
    if (again) { again = false; sync(); }
  });
  return running;
}

async function doSync() {
  if (!session.get()?.token) return;
  syncing.set(true);
  let reachable = true;
  for (const item of await queueAll()) {
    if (item.state !== 'pending') continue;
    try {
      const stored = await api('/events', { method: 'POST', body: item.body });
      Object.assign(item, { state: 'done', seq: stored.seq, created_lots: stored.created_lots,
                            synced: new Date().toISOString() });
    } catch (e) {
      if (e.status === 401) { authLost.set(true); reachable = false; break; }
      if (isNetworkError(e)) { reachable = false; break; }
      Object.assign(item, { state: 'refused', problem: { status: e.status, code: e.code,
                                                         detail: e.message, pointer: e.pointer } });
    }
    await queuePut(item);
    await loadQueue();
  }
  await loadQueue();
  online.set(reachable && navigator.onLine);
  if (reachable) await refreshCaches().catch(() => {});
}

export function startAutoSync() {
  window.addEventListener('online', () => { online.set(true); sync(); });
  window.addEventListener('offline', () => online.set(false));
  loadQueue().then(sync);
}
