import { useState } from 'preact/hooks';
import { t, lang } from '../i18n.js';
import { lotOf } from '../data.js';
import { format, normalize } from '../lotcode.js';
import { enqueue } from '../store.js';
import { loadQueue, sync } from '../sync.js';
import { CodeInput, Field, Screen, go, newEvent, useSignal } from '../ui.jsx';

/** A laboratory's metal content for a lot held at the site (replaces the grade default). */
export function Assay() {
  useSignal(lang);
  const [code, setCode] = useState('');
  const [pct, setPct] = useState('');
  const [method, setMethod] = useState('');
  const [lab, setLab] = useState('');
  const lot = normalize(code);
  const valid = lot && /^\d{1,3}(\.\d{1,2})?$/.test(pct) && Number(pct) > 0 && Number(pct) <= 100;
  async function save(e) {
    e.preventDefault();
    if (!valid) return;
    const body = newEvent('assay', { lot, metal_pct: Number(pct), ...(method.trim() ? { method: method.trim() } : {}),
                                     ...(lab.trim() ? { lab: lab.trim() } : {}) });
    await enqueue(body, { summary: `${format(lot)} · ${pct} %` });
    await loadQueue();
    sync();
    go('/queue');
  }
  const known = lot && lotOf(lot);
  return (
    <Screen title={t('assay')}>
      <form onSubmit={save}>
        <CodeInput value={code} onChange={setCode} testid="assay-lot" />
        {known ? <p class="hint" data-testid="assay-known">{known.grade}</p> : null}
        <Field label={t('metalPctLabel')}>
          <input data-testid="assay-pct" inputMode="decimal" value={pct} onInput={(e) => setPct(e.currentTarget.value.trim())} />
        </Field>
        <Field label={t('assayMethod')}>
          <input data-testid="assay-method" value={method} placeholder="XRF" onInput={(e) => setMethod(e.currentTarget.value)} />
        </Field>
        <Field label={t('assayLab')}>
          <input data-testid="assay-lab" value={lab} onInput={(e) => setLab(e.currentTarget.value)} />
        </Field>
        <button class="btn primary" data-testid="save" disabled={!valid}>{t('save')}</button>
      </form>
    </Screen>
  );
}
