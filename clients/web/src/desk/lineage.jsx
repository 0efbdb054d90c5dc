// A lot's lineage as a graph: its back trace (where its metal came from) and forward trace (where
// it went), from a scanned label or a typed code (GET /lots/{code}/trace).
import { useState } from 'preact/hooks';
import { t, tEnum } from '../i18n.js';
import { regionName } from '../data.js';
import { format, normalize } from '../lotcode.js';
import { CodeInput, Screen, go, kg, route, useSignal } from '../ui.jsx';
import { Chart } from './chartbox.jsx';
import { Unavailable, num, useReport } from './common.jsx';

const key = (n) => n.code || n.id;

/** Columns by distance from the root: back trace to the left, forward trace to the right. */
export function layout(root, back, forward) {
  const nodes = new Map();
  const edges = [];
  const place = (trace, sign) => {
    if (!trace) return;
    trace.nodes.forEach((n) => { if (!nodes.has(key(n))) nodes.set(key(n), { ...n, depth: null }); });
    const dist = new Map([[root, 0]]);
    const next = (e) => (sign < 0 ? [e.to, e.from] : [e.from, e.to]);
    for (let changed = true; changed;) {
      changed = false;
      trace.edges.forEach((e) => {
        const [a, b] = next(e);
        if (dist.has(a) && !dist.has(b)) { dist.set(b, dist.get(a) + 1); changed = true; }
      });
    }
    dist.forEach((d, k) => { const n = nodes.get(k); if (n && n.depth == null) n.depth = sign * d || 0; });
    trace.edges.forEach((e) => edges.push(e));
  };
  place(back, -1);
  place(forward, 1);
  const cols = new Map();
  const out = [...nodes.values()].map((n) => {
    const d = n.depth ?? 0;
    const row = cols.get(d) || 0;
    cols.set(d, row + 1);
    return { ...n, x: d * 220, y: row * 70 };
  });
  return { nodes: out, edges: edges.filter((e, i) => edges.findIndex((x) => x.from === e.from && x.to === e.to && x.event === e.event) === i) };
}

function graphOption(g, root) {
  const label = (n) => (n.hidden ? t('desk.hiddenLot') : `${format(n.code)}\n${n.grade || ''} · ${num(n.mass_kg, 0)} kg`);
  return {
    tooltip: { formatter: (x) => (x.dataType === 'edge' ? `${num(x.data.value, 3)} kg` : x.data.tip) },
    series: [{
      type: 'graph', layout: 'none', roam: true, edgeSymbol: ['none', 'arrow'],
      label: { show: true, position: 'bottom', formatter: (x) => x.data.text, fontSize: 11 },
      data: g.nodes.map((n) => ({
        name: key(n), x: n.x, y: n.y, text: label(n), symbolSize: key(n) === root ? 22 : 14,
        itemStyle: { color: n.hidden ? '#c4c9cf' : key(n) === root ? '#1f6f4a' : '#5e92d1' },
        tip: n.hidden ? t('desk.hiddenLot') : `${format(n.code)} · ${tEnum('status', n.status)} · ${n.custodian?.org || ''}`,
      })),
      links: g.edges.map((e) => ({ source: e.from, target: e.to, value: e.mass_kg })),
      lineStyle: { width: 1.5, curveness: 0.1 },
    }],
  };
}

function Trace({ code }) {
  const back = useReport(`/lots/${code}/trace?direction=back`);
  const forward = useReport(`/lots/${code}/trace?direction=forward`);
  if (back.loading || forward.loading) return <p class="hint">{t('desk.loading')}</p>;
  if (back.error) return <Unavailable error={back.error} testid="lineage-unavailable" />;
  const g = layout(back.data.root || code, back.data, forward.data);
  return <>
    <Chart testid="lineage-graph" option={graphOption(g, back.data.root || code)} height={Math.max(320, g.nodes.length * 40)}
           label={t('desk.lineageLabel', { code: format(code), n: g.nodes.length })} />
    {back.data.origins?.length ? <table class="desk-table" data-testid="lineage-origins">
      <caption>{t('desk.origins')}</caption>
      <tbody>{back.data.origins.map((o) => (
        <tr key={o.lot}><th scope="row">{o.region ? regionName(o.region) : tEnum('provenance', o.provenance)}</th>
          <td>{tEnum('origin', o.origin)} · {tEnum('evidence', o.evidence)}</td><td class="n">{kg(o.mass_kg)}</td></tr>))}
      </tbody>
    </table> : null}
    <ul class="list" data-testid="lineage-nodes">
      {g.nodes.filter((n) => !n.hidden).map((n) => (
        <li key={key(n)}><button type="button" class="link mono" onClick={() => go(`/lot/${n.code}`)}>{format(n.code)}</button>
          <span class="hint"> {n.grade} · {kg(n.mass_kg)} · {tEnum('status', n.status)}</span></li>))}
    </ul>
  </>;
}

export function Lineage() {
  const path = useSignal(route);
  const fromPath = normalize(decodeURIComponent(path.split('/')[2] || ''));
  const [code, setCode] = useState(fromPath ? format(fromPath) : '');
  const chosen = fromPath;
  const open = (c = normalize(code)) => { if (c) go(`/lineage/${c}`); };
  return (
    <Screen title={t('lineage')}>
      <CodeInput value={code} onChange={setCode} onEnter={() => open()} testid="lineage-code" />
      <button type="button" class="btn" data-testid="lineage-open" disabled={!normalize(code)} onClick={() => open()}>{t('desk.trace')}</button>
      {chosen ? <Trace code={chosen} key={chosen} /> : null}
    </Screen>
  );
}
