// Reference data cached for offline use: grades, regions, organisations, destinations, site lots.
import { api, session } from './api.js';
import { signal } from './signal.js';
import { kvGet, kvSet } from './store.js';
import { lang } from './i18n.js';

export const cache = signal({ grades: [], regions: [], orgs: [], destinations: [], lots: [], incoming: [] });

export async function loadCaches() {
  const keys = ['grades', 'regions', 'orgs', 'destinations', 'lots', 'incoming'];
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
  const [grades, orgs, regions] = await Promise.all([api('/grades'), api('/orgs?limit=500'), api('/regions')]);
  const others = orgs.items.filter((o) => o.code !== s.me?.org && o.kind !== 'agency');
  const sites = await Promise.all(others.map((o) => api(`/orgs/${encodeURIComponent(o.code)}/sites`)));
  // All reference data appears at once: a screen never sees grades without destinations.
  const fresh = {
    grades, regions, orgs: orgs.items.map((o) => ({ code: o.code, name: o.name, kind: o.kind })),
    destinations: sites.flat().map((x) => ({ ...x, org_name: others.find((o) => o.code === x.org)?.name })),
  };
  await Promise.all(Object.entries(fresh).map(([k, v]) => kvSet(k, v)));
  cache.set({ ...cache.get(), ...fresh });
  if (!s.site) return;
  const [lots, transit] = await Promise.all([
    api(`/lots?site=${encodeURIComponent(s.site)}&status=active&limit=1000`),
    api('/lots?status=in_transit&limit=1000'),
  ]);
  await put('lots', lots.items);
  await put('incoming', transit.items.filter((l) => l.destination === s.site));
}

export const gradeOf = (code) => cache.get().grades.find((g) => g.code === code);

const en = () => lang.get() === 'en';

/** A GB/T 2260 code's name: the division, else its prefecture, else its province (as sent if unknown). */
export function regionName(code) {
  if (!/^\d{6}$/.test(code || '')) return code || '–';
  const { regions } = cache.get();
  for (const c of [code, `${code.slice(0, 4)}00`, `${code.slice(0, 2)}0000`]) {
    const r = regions.find((x) => x.code === c);
    if (r) return en() ? r.name_en : r.name_zh;
  }
  return code;
}

/** A grade's name in the user's language; a product (not a catalogue grade) shows as sent. */
export function gradeName(code) {
  const g = gradeOf(code);
  return g ? (en() ? g.name_en : g.name_zh) : code || '–';
}

export const orgName = (code) => cache.get().orgs.find((o) => o.code === code)?.name
  || (session.get()?.me?.org === code ? session.get().me.org_name : null) || code || '–';

export const siteName = (code) => [...(session.get()?.me?.sites || []), ...cache.get().destinations]
  .find((x) => x.code === code)?.name || code || '–';
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
