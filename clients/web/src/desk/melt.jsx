// A smelter's melt: pick lots held at the site and primary metal, see what the melt would record
// (the server's dry run: metal per cell and the resulting shares), then confirm through the outbox.
import { useEffect, useState } from 'preact/hooks';
import { api, session } from '../api.js';
import { t, tEnum } from '../i18n.js';
import { cache, gradeName, gradeOf } from '../data.js';
import { format, newCode, normalize } from '../lotcode.js';
import { enqueue } from '../store.js';
import { loadQueue, sync } from '../sync.js';
import { Composition, cellLabel } from '../composition.jsx';
import { CodeInput, Field, Screen, Select, go, kg, newEvent, useSignal } from '../ui.jsx';
import { num } from './common.jsx';

const MASS = /^\d+(\.\d{1,3})?$/;
const PCT = /^\d{1,3}(\.\d{1,2})?$/;
const PRODUCT = { Al: 'ADC12', Cu: 'CU-ROD', Pb: 'PB-INGOT' };
const SHARES = ['recycled', 'post_consumer', 'pre_consumer', 'claimed'];

function MeltPreview({ preview }) {
  const [melt] = preview.melts;
  const [lot] = preview.lots;
  return (
    <div class="card" data-testid="melt-preview">
      <h3>{t('desk.preview')}</h3>
      <ul class="shares big">
        {SHARES.map((k) => <li key={k} data-testid={`share-${k}`} data-value={melt[`${k}_pct`]}>
          {t(`desk.share.${k}`)} <strong>{melt[`${k}_pct`] == null ? '–' : `${num(melt[`${k}_pct`], 2)} %`}</strong></li>)}
      </ul>
      <table class="desk-table">
        <caption>{t('desk.metalPerCell')}</caption>
        <thead><tr><th scope="col">{t('desk.cell')}</th><th scope="col" class="n">{t('desk.metalKg')}</th></tr></thead>
        <tbody>{melt.cells.map((c, i) => (
          <tr key={i} data-testid="preview-cell"><td>{c.rework ? t('desk.rework') : cellLabel(c)}</td><td class="n">{kg(c.metal_kg)}</td></tr>))}
        </tbody>
      </table>
      <p class="hint" data-testid="preview-product">{format(lot.code)} · {lot.grade} · {kg(lot.mass_kg)} ·
        {' '}{t('metalPct', { pct: num(lot.metal_fraction * 100, 2) })}</p>
      <Composition cells={lot.cells} />
    </div>
  );
}

export function Melt() {
  const s = useSignal(session);
  const { lots } = useSignal(cache);
  const [metal, setMetal] = useState('Al');
  const [code, setCode] = useState('');
  const [inputs, setInputs] = useState([]); // [{lot, mass}]
  const [primary, setPrimary] = useState([]); // [{material, mass, pct}]
  const [product, setProduct] = useState(PRODUCT.Al);
  const [output, setOutput] = useState('');
  const [batch] = useState(() => newCode());
  const [preview, setPreview] = useState(null); // {key, body, answer} | {key, error}
  const [recorded, setRecorded] = useState(null);
  const stock = lots.filter((l) => l.metal === metal && l.status === 'active' && gradeOf(l.grade));
  const products = lots.filter((l) => l.status === 'active' && !gradeOf(l.grade));
  const add = (c = normalize(code)) => {
    const lot = lots.find((l) => l.code === c);
    if (c && !inputs.find((r) => r.lot === c)) setInputs([...inputs, { lot: c, mass: lot ? String(lot.mass_kg) : '' }]);
    setCode('');
  };
  const valid = (inputs.length || primary.length) && MASS.test(output) && Number(output) > 0 && product.trim()
    && inputs.every((r) => MASS.test(r.mass) && Number(r.mass) > 0)
    && primary.every((p) => p.material.trim() && MASS.test(p.mass) && Number(p.mass) > 0 && (!p.pct || PCT.test(p.pct)));
  const fields = valid ? {
    metal, product: product.trim(), batch, output_mass_kg: Number(output),
    inputs: inputs.map((r) => ({ lot: r.lot, mass_kg: Number(r.mass) })),
    primary: primary.map((p) => ({ material: p.material.trim(), mass_kg: Number(p.mass),
                                   ...(p.pct ? { metal_pct: Number(p.pct) } : {}) })),
  } : null;
  const key = JSON.stringify(fields);
  useEffect(() => {
    if (!fields) return undefined;
    let alive = true;
    const timer = setTimeout(() => {
      const body = newEvent('melt', fields);
      api('/events?dry_run=1', { method: 'POST', body })
        .then((answer) => alive && setPreview({ key, body, answer }))
        .catch((error) => alive && setPreview({ key, error }));
    }, 300);
    return () => { alive = false; clearTimeout(timer); };
  }, [key]);
  const current = preview && preview.key === key ? preview : null;
  async function confirm(e) {
    e.preventDefault();
    if (!current?.answer) return;
    const { body, answer } = current;
    await enqueue(body, { summary: `${format(batch)} · ${product} · ${kg(output)}` });
    await loadQueue();
    await sync();
    let lot = null;
    for (let i = 0; i < 10 && !lot; i += 1) {
      lot = await api(`/lots/${batch}`).catch(() => null);
      if (!lot) await new Promise((r) => { setTimeout(r, 300); });
    }
    setRecorded({ lot, same: lot && JSON.stringify(lot) === JSON.stringify(answer.lots[0]) });
  }
  if (recorded) {
    return (
      <Screen title={t('desk.melt')}>
        <div class="card" data-testid="melt-recorded">
          {recorded.lot ? <>
            <p><strong class="mono">{format(batch)}</strong> · {recorded.lot.grade} · {kg(recorded.lot.mass_kg)}</p>
            <p class={recorded.same ? 'ok' : 'bad'} data-testid="melt-same">{recorded.same ? t('desk.sameAsPreview') : t('desk.differsFromPreview')}</p>
            <Composition cells={recorded.lot.cells} />
          </> : <p class="hint">{t('saved')}</p>}
          <button type="button" class="btn" onClick={() => go('/queue')}>{t('queue')}</button>
        </div>
      </Screen>
    );
  }
  return (
    <Screen title={t('desk.melt')}>
      <form class="desk-split" onSubmit={confirm}>
        <div>
          <Field label={t('metal')}>
            <Select testid="melt-metal" value={metal} onChange={(m) => { setMetal(m); setInputs([]); setProduct(PRODUCT[m]); }}
                    options={['Al', 'Cu', 'Pb'].map((m) => [m, tEnum('metal', m)])} />
          </Field>
          <h3>{t('desk.stock')}</h3>
          <ul class="list" data-testid="melt-stock">
            {stock.length ? stock.map((l) => (
              <li key={l.code}><button type="button" class="link mono" data-testid={`stock-${l.code}`} onClick={() => add(l.code)}>{format(l.code)}</button>
                <span class="hint"> {gradeName(l.grade)} · {kg(l.mass_kg)}</span></li>)) : <li class="hint">{t('empty')}</li>}
          </ul>
          <CodeInput value={code} onChange={setCode} onEnter={() => add()} testid="melt-code" />
          <button type="button" class="btn" data-testid="melt-add" disabled={!normalize(code)} onClick={() => add()}>{t('addLot')}</button>
          {inputs.map((r) => (
            <div class="row" key={r.lot} data-testid={`charge-${r.lot}`}>
              <span class="mono">{format(r.lot)}</span>
              <label class="inline">{t('desk.chargedKg')}
                <input data-testid={`charge-mass-${r.lot}`} inputMode="decimal" value={r.mass}
                       onInput={(e) => setInputs(inputs.map((x) => (x.lot === r.lot ? { ...x, mass: e.currentTarget.value.trim() } : x)))} /></label>
              <button type="button" class="link" onClick={() => setInputs(inputs.filter((x) => x.lot !== r.lot))}>{t('remove')}</button>
            </div>))}
          <h3>{t('desk.primary')}</h3>
          {primary.map((p, i) => (
            <div class="row" key={i} data-testid={`primary-${i}`}>
              {[['material', t('desk.material')], ['mass', t('weight')], ['pct', t('desk.metalPctOpt')]].map(([f, label]) => (
                <label class="inline" key={f}>{label}
                  <input data-testid={`primary-${f}-${i}`} value={p[f]} inputMode={f === 'material' ? 'text' : 'decimal'}
                         onInput={(e) => setPrimary(primary.map((x, j) => (j === i ? { ...x, [f]: e.currentTarget.value } : x)))} /></label>))}
            </div>))}
          <button type="button" class="btn" data-testid="primary-add" onClick={() => setPrimary([...primary, { material: '', mass: '', pct: '' }])}>{t('desk.addPrimary')}</button>
          <Field label={t('desk.product')}>
            <input data-testid="melt-product" value={product} onInput={(e) => setProduct(e.currentTarget.value)} />
          </Field>
          <Field label={t('desk.outputKg')}>
            <input data-testid="melt-output" inputMode="decimal" value={output} onInput={(e) => setOutput(e.currentTarget.value.trim())} />
          </Field>
          <p class="hint">{t('desk.batch')}: <span class="mono" data-testid="melt-batch">{format(batch)}</span> · {s.site}</p>
        </div>
        <div aria-live="polite">
          {!fields ? <p class="hint card">{t('desk.previewHint')}</p>
            : !current ? <p class="hint card">{t('desk.previewing')}</p>
            : current.error ? <p class="card bad" data-testid="melt-refused">{tEnum('problem', current.error.code)} {current.error.message}</p>
            : <MeltPreview preview={current.answer} />}
          <button class="btn primary" data-testid="melt-confirm" disabled={!current?.answer}>{t('desk.confirmMelt')}</button>
        </div>
      </form>
      <h3>{t('desk.products')}</h3>
      <ul class="list" data-testid="products">
        {products.length ? products.map((l) => (
          <li key={l.code}><button type="button" class="link mono" onClick={() => go(`/lot/${l.code}`)}>{format(l.code)}</button>
            <span class="hint"> {l.grade} · {kg(l.mass_kg)}</span></li>)) : <li class="hint">{t('empty')}</li>}
      </ul>
    </Screen>
  );
}
