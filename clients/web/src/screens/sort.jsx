import { useState } from 'preact/hooks';
import { t, tEnum, lang } from '../i18n.js';
import { cache, forgetLots, lotOf, rememberLot } from '../data.js';
import { format, newCode } from '../lotcode.js';
import { enqueue } from '../store.js';
import { loadQueue, sync } from '../sync.js';
import { Field, Screen, Select, go, kg, newEvent, useSignal } from '../ui.jsx';
import { LotList } from './ship.jsx';

const KINDS = ['sort', 'split', 'merge', 'bale', 'pretreat'];

export function Sort() {
  const { grades } = useSignal(cache);
  useSignal(lang);
  const [kind, setKind] = useState('sort');
  const [inputs, setInputs] = useState([]);
  const [outputs, setOutputs] = useState([{ lot: newCode(), grade: '', mass: '' }]);
  const metal = lotOf(inputs[0])?.metal;
  const choices = grades.filter((g) => !metal || g.metal === metal);
  const inKg = inputs.reduce((a, c) => a + (lotOf(c)?.mass_kg || 0), 0);
  const outKg = outputs.reduce((a, o) => a + (Number(o.mass) || 0), 0);
  const loss = Math.round((inKg - outKg) * 1000) / 1000;
  const known = inputs.every((c) => lotOf(c));
  // The server refuses an output without a grade when the inputs' grades differ (grade-required):
  // checked here so that such a merge is never queued.
  const mixed = new Set(inputs.map((c) => lotOf(c)?.grade).filter(Boolean)).size > 1;
  const gradeMissing = mixed && outputs.some((o) => !o.grade);
  const valid = inputs.length && outputs.every((o) => Number(o.mass) > 0) && (!known || loss >= 0) && !gradeMissing;
  const setOut = (i, patch) => setOutputs(outputs.map((o, j) => (i === j ? { ...o, ...patch } : o)));
  async function save(e) {
    e.preventDefault();
    if (!valid || gradeMissing) return;
    const body = newEvent('transform', {
      kind, inputs: inputs.map((lot) => ({ lot })),
      outputs: outputs.map((o) => ({ lot: o.lot, mass_kg: Number(o.mass), ...(o.grade ? { grade: o.grade } : {}) })),
    });
    await enqueue(body, { summary: `${tEnum('kind', kind)}: ${inputs.map(format).join(', ')} → ${outputs.map((o) => format(o.lot)).join(', ')}` });
    await forgetLots(inputs);
    for (const o of outputs) {
      await rememberLot({ code: o.lot, metal, grade: o.grade || lotOf(inputs[0])?.grade, status: 'active', mass_kg: Number(o.mass), local: true });
    }
    await loadQueue();
    sync();
    go('/queue');
  }
  return (
    <Screen title={t('sort')}>
      <form onSubmit={save}>
        <Field label={t('kind')}>
          <Select testid="kind" value={kind} onChange={setKind} options={KINDS.map((k) => [k, tEnum('kind', k)])} />
        </Field>
        <h3>{t('inputs')} <span class="hint">{kg(inKg)}</span></h3>
        <LotList lots={inputs} setLots={setInputs} testid="input" />
        <h3>{t('outputs')}</h3>
        {outputs.map((o, i) => (
          <div class="card" key={o.lot}>
            <p class="mono">{format(o.lot)}</p>
            <Select testid={`out-grade-${i}`} value={o.grade} onChange={(g) => setOut(i, { grade: g })}
                    options={[['', '—'], ...choices.map((g) => [g.code, `${lang.get() === 'en' ? g.name_en : g.name_zh} (${g.code})`])]} />
            <input data-testid={`out-mass-${i}`} inputMode="decimal" placeholder={t('weight')} value={o.mass}
                   onInput={(e) => setOut(i, { mass: e.currentTarget.value.trim() })} />
          </div>
        ))}
        {gradeMissing ? <p class="bad" data-testid="grade-required">{t('problem.grade-required')}</p> : null}
        <button type="button" class="btn" data-testid="add-output"
                onClick={() => setOutputs([...outputs, { lot: newCode(), grade: '', mass: '' }])}>{t('addOutput')}</button>
        <p class={loss < 0 && known ? 'bad' : 'strong'} data-testid="loss">{t('loss')}: {known ? kg(loss) : '–'}
          {loss < 0 && known ? ` — ${t('lossNegative')}` : ''}</p>
        <button class="btn primary" data-testid="save" disabled={!valid}>{t('save')}</button>
      </form>
    </Screen>
  );
}
