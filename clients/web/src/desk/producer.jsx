// A producer's page: monthly share trend (stacked), provenance, mass balance and findings; printed,
// it is a one-page report (desk.css, @media print).
import { t, tEnum } from '../i18n.js';
import { cache, regionName } from '../data.js';
import { Screen, go, useSignal } from '../ui.jsx';
import { Chart } from './chartbox.jsx';
import { Downloads, PeriodPicker, Unavailable, num, pct, period, query, tonnes, useReport } from './common.jsx';
import { useMonthly } from './producers.jsx';

const PARTS = [['post_consumer', '#1f7a3f'], ['pre_consumer', '#2563a8'], ['declared', '#c99a3a'], ['primary', '#89929c']];

/** Per month, each class's share of the denominator (they stack to 100 %). */
function trendOption(monthly, org) {
  const rows = monthly.reports.map((r) => r.producers.find((x) => x.org === org));
  const share = (row, part) => {
    if (!row) return null;
    const d = row.post_consumer_kg + row.pre_consumer_kg + row.declared_kg + row.primary_kg;
    return d > 0 ? Math.round((row[`${part}_kg`] / d) * 10000) / 100 : null;
  };
  return {
    tooltip: { trigger: 'axis', valueFormatter: (v) => (v == null ? '–' : `${v} %`) },
    legend: { top: 0 },
    grid: { left: 40, right: 10, top: 40, bottom: 30 },
    xAxis: { type: 'category', data: monthly.spans.map(([from]) => from.slice(0, 7)) },
    yAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value} %' } },
    series: PARTS.map(([part, color]) => ({
      name: t(`desk.part.${part}`), type: 'bar', stack: 'share', color,
      data: rows.map((row) => share(row, part)),
    })),
  };
}

function Findings({ org }) {
  const { data, error, loading } = useReport(`/findings?${query({ org })}`);
  if (loading) return <p class="hint">{t('desk.loading')}</p>;
  if (error) return <Unavailable error={error} testid="producer-findings-unavailable" />;
  const items = data.items || [];
  return (
    <ul class="list" data-testid="producer-findings">
      {items.length ? items.map((f) => (
        <li key={f.id}><span class={`badge sev-${f.severity}`}>{tEnum('severity', f.severity)}</span> {tEnum('finding', f.kind)}
          <span class="hint"> · {tEnum('findingStatus', f.status)} · {f.detected_at?.slice(0, 10)}</span></li>))
        : <li class="hint">{t('empty')}</li>}
    </ul>
  );
}

export function Producer({ org }) {
  const p = useSignal(period);
  useSignal(cache);  // region names
  const params = { metal: p.metal, from: p.from, to: p.to, producer: org };
  const share = useReport(`/reports/recycled-share?${query(params)}`);
  const balance = useReport(`/reports/mass-balance?${query({ metal: p.metal, from: p.from, to: p.to })}`);
  const monthly = useMonthly(p, org);
  const row = share.data?.producers?.[0];
  const sites = (balance.data?.sites || []).filter((s) => s.org === org);
  return (
    <Screen title={row?.name || org}>
      <div class="no-print"><PeriodPicker value={p} onChange={(v) => period.set(v)} /></div>
      <p class="print-only">{tEnum('metal', p.metal)} · {p.from} – {p.to}</p>
      <Downloads path="/reports/recycled-share" params={params} name={`recycled-share-${org}-${p.from}`} />
      {share.error ? <Unavailable error={share.error} /> : !row ? <p class="hint" data-testid="producer-empty">{share.loading ? t('desk.loading') : t('empty')}</p> : <>
        <ul class="shares big" data-testid="producer-shares">
          {['recycled', 'post_consumer', 'pre_consumer', 'claimed'].map((k) => (
            <li key={k}>{t(`desk.share.${k}`)} <strong>{pct(row[`${k}_share`])}</strong></li>))}
        </ul>
        <h3>{t('desk.trend')}</h3>
        {monthly ? <Chart testid="trend-chart" option={trendOption(monthly, org)} label={t('desk.trend')} />
          : <p class="hint">{t('desk.loading')}</p>}
        <div class="desk-cols">
          <section>
            <h3>{t('desk.provenance')}</h3>
            <table class="desk-table" data-testid="provenance">
              <tbody>{['in_province', 'out_of_province', 'imported'].map((k) => (
                <tr key={k}><th scope="row">{tEnum('provenance', k)}</th><td class="n">{tonnes(row.by_provenance_kg[k])}</td></tr>))}
              {Object.entries(row.by_region_kg || {}).map(([code, kgs]) => (
                <tr key={code}><th scope="row">{regionName(code)}</th><td class="n">{tonnes(kgs)}</td></tr>))}
              </tbody>
            </table>
          </section>
          <section>
            <h3>{t('desk.findings')}</h3>
            <Findings org={org} />
          </section>
        </div>
      </>}
      <h3>{t('desk.massBalance')}</h3>
      <div class="table-wrap">
        <table class="desk-table" data-testid="mass-balance">
          <thead><tr>{['site', 'opening_kg', 'received_kg', 'created_kg', 'produced_kg', 'shipped_kg', 'charged_kg', 'losses_kg', 'closing_kg']
            .map((k) => <th scope="col" key={k} class={k === 'site' ? '' : 'n'}>{t(`desk.mb.${k}`)}</th>)}</tr></thead>
          <tbody>{sites.length ? sites.map((s) => (
            <tr key={s.site}><td>{s.site_name}</td>{['opening_kg', 'received_kg', 'created_kg', 'produced_kg', 'shipped_kg', 'charged_kg', 'losses_kg', 'closing_kg']
              .map((k) => <td class="n" key={k}>{num(s[k], 0)}</td>)}</tr>))
            : <tr><td colSpan={9} class="hint">{t('empty')}</td></tr>}</tbody>
        </table>
      </div>
      <div class="row no-print">
        <button type="button" class="btn" onClick={() => window.print()}>{t('desk.print')}</button>
        <button type="button" class="btn" onClick={() => go('/producers')}>{t('producers')}</button>
      </div>
    </Screen>
  );
}
