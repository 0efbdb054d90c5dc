// Shared pieces of the desk screens: numbers in the user's locale, a metal-and-period picker,
// loading of a report with its states, and report downloads (CSV, XLSX).
import { useEffect, useState } from 'preact/hooks';
import { api, session } from '../api.js';
import { lang, t, tEnum } from '../i18n.js';
import { signal } from '../signal.js';
import { Field, Select } from '../ui.jsx';

const locale = () => (lang.get() === 'en' ? 'en' : 'zh-CN');
export const num = (n, digits = 1) => (n == null ? '–'
  : Number(n).toLocaleString(locale(), { maximumFractionDigits: digits }));
export const tonnes = (kgs) => (kgs == null ? '–' : `${num(kgs / 1000, 1)} t`);
export const pct = (share) => (share == null ? '–'
  : Number(share).toLocaleString(locale(), { style: 'percent', maximumFractionDigits: 2 }));

const year = new Date().getFullYear();
/** The metal and period the agency screens show, shared as the auditor moves between them. */
export const period = signal({ metal: 'Al', from: `${year}-01-01`, to: `${year + 1}-01-01` });

/** The first day of each month in [from, to), as ISO dates. */
export function months(from, to) {
  const out = [];
  let [y, m] = from.split('-').map(Number);
  for (let d = from; d < to; d = `${y}-${String(m).padStart(2, '0')}-01`) {
    out.push(d);
    m += 1;
    if (m > 12) { m = 1; y += 1; }
  }
  return out.map((d, i) => [d, out[i + 1] || to]);
}

export function PeriodPicker({ value, onChange, metal = true }) {
  const years = [year - 1, year, year + 1];
  return (
    <div class="desk-filters">
      {metal ? <Field label={t('metal')}>
        <Select testid="metal" value={value.metal} onChange={(m) => onChange({ ...value, metal: m })}
                options={['Al', 'Cu', 'Pb'].map((m) => [m, tEnum('metal', m)])} />
      </Field> : null}
      <Field label={t('desk.year')}>
        <Select testid="year" value={value.from.slice(0, 4)}
                onChange={(y) => onChange({ ...value, from: `${y}-01-01`, to: `${Number(y) + 1}-01-01` })}
                options={years.map((y) => [String(y), String(y)])} />
      </Field>
    </div>
  );
}

/** `GET path` as {data, error} (error: a Problem), reloaded when `path` changes. */
export function useReport(path) {
  const [state, setState] = useState({ data: null, error: null, loading: true });
  useEffect(() => {
    let alive = true;
    setState({ data: null, error: null, loading: true });
    if (!path) return undefined;
    api(path).then((data) => alive && setState({ data, error: null, loading: false }))
      .catch((error) => alive && setState({ data: null, error, loading: false }));
    return () => { alive = false; };
  }, [path]);
  return state;
}

export const query = (params) => new URLSearchParams(
  Object.entries(params).filter(([, v]) => v != null && v !== '')).toString();

/** A "not available" state: the server answers 404 for a route that is not deployed yet. */
export function Unavailable({ error, testid }) {
  const missing = error?.status === 404 && !/-not-found$/.test(error.code || '');
  return <p class="card hint" data-testid={testid}>{missing ? t('desk.unavailable') : `${t('desk.failed')}: ${error?.message || ''}`}</p>;
}

/** Download a report export with the bearer token (a plain link would carry none). */
export async function download(path, name) {
  const res = await fetch(`/api/v1${path}`, { headers: { Authorization: `Bearer ${session.get()?.token}` } });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const url = URL.createObjectURL(await res.blob());
  const a = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function Downloads({ path, params, name }) {
  return (
    <div class="row no-print" data-testid="downloads">
      {['csv', 'xlsx'].map((f) => (
        <button type="button" class="btn small" key={f} data-testid={`download-${f}`}
                onClick={() => download(`${path}?${query({ ...params, format: f })}`, `${name}.${f}`)}>
          {t('desk.download', { format: f.toUpperCase() })}</button>
      ))}
    </div>
  );
}
