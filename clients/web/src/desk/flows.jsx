// The agency's Sankey of metal flows: regions → collectors → sorters → smelters, for a metal and year.
import { t, tEnum } from '../i18n.js';
import { cache, regionName } from '../data.js';
import { Screen, useSignal } from '../ui.jsx';
import { Chart } from './chartbox.jsx';
import { Downloads, PeriodPicker, Unavailable, num, period, query, useReport } from './common.jsx';

const LAYER = { region: 0, imported: 0, collector: 1, importer: 1, transporter: 2, sorter: 2, smelter: 3 };

/** The Sankey's nodes and links; a link that runs backwards (a sorter returning lots to a
 *  collector) would make a cycle, which a Sankey cannot draw: it is listed apart instead. */
export function sankey(report) {
  const layer = (id) => LAYER[report.nodes.find((n) => n.id === id)?.kind] ?? 1;
  const forward = report.links.filter((l) => layer(l.target) > layer(l.source));
  const used = new Set(forward.flatMap((l) => [l.source, l.target]));
  const name = (n) => (n.kind === 'region' ? regionName(n.code) : n.kind === 'imported' ? tEnum('provenance', 'imported') : n.name);
  return {
    nodes: report.nodes.filter((n) => used.has(n.id)).map((n) => ({ name: n.id, label: name(n), depth: LAYER[n.kind] ?? 1 })),
    links: forward.map((l) => ({ source: l.source, target: l.target, value: l.mass_kg })),
    apart: report.links.filter((l) => !forward.includes(l)),
  };
}

export function Flows() {
  const p = useSignal(period);
  useSignal(cache);
  const params = { metal: p.metal, from: p.from, to: p.to };
  const { data, error, loading } = useReport(`/reports/flows?${query(params)}`);
  const s = data ? sankey(data) : null;
  const labels = s ? Object.fromEntries(s.nodes.map((n) => [n.name, n.label])) : {};
  const option = s && {
    tooltip: { trigger: 'item', valueFormatter: (v) => `${num(v / 1000, 1)} t` },
    series: [{
      type: 'sankey', data: s.nodes.map(({ name, depth }) => ({ name, depth })), links: s.links,
      emphasis: { focus: 'adjacency' }, nodeAlign: 'justify', left: 10, right: '22%',
      label: { formatter: (x) => labels[x.name] || x.name },
      lineStyle: { color: 'gradient', opacity: 0.4 },
    }],
  };
  return (
    <Screen title={t('flows')}>
      <PeriodPicker value={p} onChange={(v) => period.set(v)} />
      <Downloads path="/reports/flows" params={params} name={`flows-${p.metal}-${p.from}`} />
      {error ? <Unavailable error={error} /> : loading ? <p class="hint">{t('desk.loading')}</p>
        : !s.links.length ? <p class="hint" data-testid="flows-empty">{t('empty')}</p>
        : <Chart testid="sankey" option={option} height={Math.max(360, s.nodes.length * 28)}
                 label={t('desk.sankeyLabel', { n: s.links.length })} />}
      {s?.apart.length ? <p class="hint">{t('desk.backFlows', { n: s.apart.length })}</p> : null}
    </Screen>
  );
}
