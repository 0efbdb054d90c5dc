// IndexedDB: the outbox of events (`queue`, keyed by event id) and cached reference data (`kv`).
const DB_NAME = 'scraptrace';
let opening;

function open() {
  opening ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => {
      const db = req.result;
      const q = db.createObjectStore('queue', { keyPath: 'id' });
      q.createIndex('order', 'order');
      db.createObjectStore('kv');
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  return opening;
}

function run(store, mode, work) {
  return open().then((db) => new Promise((resolve, reject) => {
    const tx = db.transaction(store, mode);
    const result = work(tx.objectStore(store));
    // A request's result, undefined for a missing key (not the request itself: that made a
    // cold cache look filled, and `grades.find` threw on a lot card opened before the first sync).
    tx.oncomplete = () => resolve(result instanceof IDBRequest ? result.result : result);
    tx.onerror = () => reject(tx.error);
  }));
}

export const kvGet = (key) => run('kv', 'readonly', (s) => s.get(key));
export const kvSet = (key, value) => run('kv', 'readwrite', (s) => { s.put(value, key); });

/** Every queued item in the order it was made. */
export const queueAll = () => run('queue', 'readonly', (s) => s.index('order').getAll());
export const queuePut = (item) => run('queue', 'readwrite', (s) => { s.put(item); });
export const queueDelete = (id) => run('queue', 'readwrite', (s) => { s.delete(id); });

/** Queue an event (its `id` is the idempotency key, so resending it is always safe). */
export async function enqueue(body, extra = {}) {
  const item = { id: body.id, order: Date.now() + Math.random() / 2, state: 'pending', body,
                 created: new Date().toISOString(), ...extra };
  await queuePut(item);
  return item;
}
