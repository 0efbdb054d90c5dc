// Reference data cached for offline use: grades, the caller's sites, destinations, site lots.
import { api, session } from './api.js';
import { signal } from './signal.js';
import { kvGet, kvSet } from './store.js';

export const cache = signal({ grades: [], destinations: [], lots: [], incoming: [] });

export async function loadCaches() {
  const keys = ['grades', 'destinations', 'lots', 'incoming'];
  const values = await Promise.all(keys.map((k) => kvGet(k)));
  cache.set(Object.fromEntries(keys.map((k, i) => [k, values[i] || []])));
}

async function put(key, value) {
  await kvSet(key, value);
  cache.set({ ...cache.get(), [key]: value });
}

export async function refreshCaches() {
  const s = session.get();
  if (!s?.token) return;
  const [grades, orgs] = await Promise.all([api('/grades'), api('/orgs?limit=500')]);
  await put('grades', grades);
  const others = orgs.items.filter((o) => o.code !== s.me?.org && o.kind !== 'agency');
  const sites = await Promise.all(others.map((o) => api(`/orgs/${encodeURIComponent(o.code)}/sites`)));
  await put('destinations', sites.flat().map((x) => ({ ...x, org_name: others.find((o) => o.code === x.org)?.name })));
  if (!s.site) return;
  const [lots, transit] = await Promise.all([
    api(`/lots?site=${encodeURIComponent(s.site)}&status=active&limit=1000`),
    api('/lots?status=in_transit&limit=1000'),
  ]);
  await put('lots', lots.items);
  await put('incoming', transit.items.filter((l) => l.destination === s.site));
}

export const gradeOf = (code) => cache.get().grades.find((g) => g.code === code);
export const lotOf = (code) => [...cache.get().lots, ...cache.get().incoming].find((l) => l.code === code);

/** Remember a lot made or changed on this phone, so later offline actions can use it. */
export async function rememberLot(lot) {
  const lots = cache.get().lots.filter((l) => l.code !== lot.code);
  await put('lots', [...lots, lot]);
}
export async function forgetLots(codes) {
  await put('lots', cache.get().lots.filter((l) => !codes.includes(l.code)));
}
export async function cacheLotCard(code, card) { await kvSet(`lot:${code}`, card); }
export const cachedLotCard = (code) => kvGet(`lot:${code}`);
