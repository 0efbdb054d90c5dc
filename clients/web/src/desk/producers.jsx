// The agency's producers table: recycled and claimed shares and masses for a metal and year, a
// sparkline of the monthly share, sortable, each producer linking to its page.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { t } from '../i18n.js';
import { Screen, go, useSignal } from '../ui.jsx';
import { Downloads, PeriodPicker, Unavailable, months, num, pct, period, query, tonnes, useReport } from './common.jsx';

const COLUMNS = [
  ['name', 'desk.producer'], ['recycled_share', 'desk.share.recycled'], ['claimed_share', 'desk.share.claimed'],
  ['post_consumer_kg', 'desk.col.post'], ['pre_consumer_kg', 'desk.col.pre'], ['declared_kg', 'desk.col.declared'],
  ['primary_kg', 'desk.col.primary'],
];

/** Each producer's recycled share per month of the period: {org: [share|null, ...]}. */
export function useMonthly(p, producer) {
  const [series, setSeries] = useState(null);
  useEffect(() => {
    let alive = true;
    const spans = months(p.from, p.to);
    Promise.all(spans.map(([from, to]) => api(`/reports/recycled-share?${query({ metal: p.metal, from, to, producer })}`)))
      .then((reports) => alive && setSeries({ spans, reports }))
      .catch(() => alive && setSeries({ spans, reports: [] }));
    return () => { alive = false; };
  }, [p.metal, p.from, p.to, producer]);
  return series;
}

function Sparkline({ values, label }) {
  const w = 96; const h = 24;
  const pts = values.map((v, i) => (v == null ? null : [i * (w / Math.max(values.length - 1, 1)), h - v * h]));
  const d = pts.filter(Boolean).map(([x, y], i) => `${i ? 'L' : 'M'}${x.toFixed(1)} ${y.toFixed(1)}`).join('');
  return (
    <svg class="spark" viewBox={`0 0 ${w} ${h}`} width={w} height={h} role="img" aria-label={label}>
      <path d={d} fill="none" stroke="currentColor" stroke-width="1.5" />
    </svg>
  );
}

export function Producers() {
  const p = useSignal(period);
  const [sort, setSort] = useState(['recycled_share', -1]);
  const params = { metal: p.metal, from: p.from, to: p.to };
  const { data, error, loading } = useReport(`/reports/recycled-share?${query(params)}`);
  const monthly = useMonthly(p);
  const rows = (data?.producers || []).slice().sort((a, b) => {
    const [k, dir] = sort;
    const x = a[k]; const y = b[k];
    return (typeof x === 'string' ? x.localeCompare(y) : (x ?? -1) - (y ?? -1)) * dir;
  });
  const spark = (org) => monthly?.reports.map((r) => r.producers.find((x) => x.org === org)?.recycled_share ?? null) || [];
  return (
    <Screen title={t('producers')}>
      <PeriodPicker value={p} onChange={(v) => period.set(v)} />
      <Downloads path="/reports/recycled-share" params={params} name={`recycled-share-${p.metal}-${p.from}`} />
      {error ? <Unavailable error={error} /> : loading ? <p class="hint">{t('desk.loading')}</p> : (
        <div class="table-wrap">
          <table class="desk-table" data-testid="producers-table">
            <thead><tr>
              {COLUMNS.map(([k, label]) => (
                <th scope="col" key={k} class={k === 'name' ? '' : 'n'} aria-sort={sort[0] === k ? (sort[1] > 0 ? 'ascending' : 'descending') : 'none'}>
                  <button type="button" class="link" data-testid={`sort-${k}`}
                          onClick={() => setSort([k, sort[0] === k ? -sort[1] : (k === 'name' ? 1 : -1)])}>{t(label)}</button>
                </th>))}
              <th scope="col">{t('desk.monthly')}</th>
            </tr></thead>
            <tbody>
              {rows.length ? rows.map((r) => (
                <tr key={r.org} data-testid={`producer-${r.org}`}>
                  <td><button type="button" class="link" data-testid={`open-${r.org}`} onClick={() => go(`/producer/${encodeURIComponent(r.org)}`)}>{r.name}</button></td>
                  <td class="n" data-testid="recycled">{pct(r.recycled_share)}</td>
                  <td class="n">{pct(r.claimed_share)}</td>
                  <td class="n">{tonnes(r.post_consumer_kg)}</td>
                  <td class="n">{tonnes(r.pre_consumer_kg)}</td>
                  <td class="n">{tonnes(r.declared_kg)}</td>
                  <td class="n">{tonnes(r.primary_kg)}</td>
                  <td><Sparkline values={spark(r.org)} label={t('desk.monthlyOf', { name: r.name })} /></td>
                </tr>)) : <tr><td colSpan={COLUMNS.length + 1} class="hint">{t('empty')}</td></tr>}
            </tbody>
          </table>
        </div>
      )}
      <p class="hint">{t('desk.unitNote', { n: num(rows.length, 0) })}</p>
    </Screen>
  );
}
