import { useState } from 'preact/hooks';
import { t } from '../i18n.js';
import { cache, gradeName, lotOf, orgName } from '../data.js';
import { format, normalize } from '../lotcode.js';
import { enqueue } from '../store.js';
import { loadQueue, sync } from '../sync.js';
import { CodeInput, Screen, go, kg, newEvent, useSignal } from '../ui.jsx';

/** Default weighing tolerance (docs/domain.md, Not built yet): the larger of 0.5 % and 20 kg, in kg. */
export const tolerance = (shippedKg) => Math.max(shippedKg * 0.005, 20);

export function Receive() {
  const { incoming } = useSignal(cache);
  const [code, setCode] = useState('');
  const [rows, setRows] = useState([]); // [{lot, mass}]
  const [confirming, setConfirming] = useState(false);
  const add = (c = normalize(code)) => {
    if (c && !rows.find((r) => r.lot === c)) setRows([...rows, { lot: c, mass: '' }]);
    setCode('');
  };
  const setMass = (lot, mass) => { setConfirming(false); setRows(rows.map((r) => (r.lot === lot ? { ...r, mass } : r))); };
  const checks = rows.map((r) => {
    const shipped = lotOf(r.lot)?.mass_kg;
    const diff = r.mass && shipped != null ? Number(r.mass) - shipped : null;
    return { ...r, shipped, diff, out: diff != null && Math.abs(diff) > tolerance(shipped) };
  });
  const valid = rows.length && rows.every((r) => Number(r.mass) > 0 && /^\d+(\.\d{1,3})?$/.test(r.mass));
  const anyOut = checks.some((c) => c.out);
  async function save(e) {
    e.preventDefault();
    if (!valid) return;
    if (anyOut && !confirming) { setConfirming(true); return; }
    const body = newEvent('receive', { lots: rows.map((r) => ({ lot: r.lot, mass_kg: Number(r.mass) })) });
    await enqueue(body, { summary: rows.map((r) => `${format(r.lot)} ${kg(r.mass)}`).join(', ') });
    await loadQueue();
    sync();
    go('/queue');
  }
  return (
    <Screen title={t('receive')}>
      <form onSubmit={save}>
        <h3>{t('incoming')}</h3>
        <ul class="list" data-testid="incoming">
          {incoming.length ? incoming.map((l) => (
            <li key={l.code}><button type="button" class="link mono" data-testid={`incoming-${l.code}`} onClick={() => add(l.code)}>{format(l.code)}</button>
              <span class="hint"> {gradeName(l.grade)} · {kg(l.mass_kg)} · {orgName(l.custodian?.org)}</span></li>
          )) : <li class="hint">{t('empty')}</li>}
        </ul>
        <CodeInput value={code} onChange={setCode} onEnter={() => add()} />
        <button type="button" class="btn" data-testid="lot-add" disabled={!normalize(code)} onClick={() => add()}>{t('addLot')}</button>
        {checks.map((c) => (
          <div class={`card ${c.out ? 'warn' : ''}`} key={c.lot} data-testid={`receive-${c.lot}`}>
            <p class="mono">{format(c.lot)}</p>
            <p class="hint">{t('shipped')}: {kg(c.shipped)}</p>
            <label class="field"><span class="field-label">{t('measured')}</span>
              <input data-testid={`mass-${c.lot}`} inputMode="decimal" value={c.mass} onInput={(e) => setMass(c.lot, e.currentTarget.value.trim())} /></label>
            {c.diff != null ? <p class={c.out ? 'bad' : 'hint'} data-testid={`diff-${c.lot}`}>{t('diff')}: {kg(c.diff)}
              {c.out ? ` — ${t('outOfTolerance', { tol: kg(tolerance(c.shipped)) })}` : ''}</p> : null}
          </div>
        ))}
        <button class="btn primary" data-testid="save" disabled={!valid}>{confirming ? t('confirmAnyway') : t('receive')}</button>
      </form>
    </Screen>
  );
}
