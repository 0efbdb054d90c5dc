import { useState } from 'preact/hooks';
import { t, tEnum, lang } from '../i18n.js';
import { cache, forgetLots, gradeName, gradeOf, lotOf } from '../data.js';
import { format, normalize } from '../lotcode.js';
import { enqueue } from '../store.js';
import { loadQueue, sync } from '../sync.js';
import { CodeInput, Field, Screen, Select, go, kg, newEvent, useSignal } from '../ui.jsx';

const MODES = ['road_diesel', 'road_electric', 'road_hydrogen', 'road_gas', 'rail', 'waterway'];

/** Codes scanned into a list, each shown with what the phone knows about it. */
export function LotList({ lots, setLots, testid = 'lot' }) {
  const [code, setCode] = useState('');
  const add = () => {
    const c = normalize(code);
    if (c && !lots.includes(c)) setLots([...lots, c]);
    if (c) setCode('');
  };
  return (
    <div>
      <CodeInput value={code} onChange={setCode} onEnter={add} testid={`${testid}-input`} />
      <button type="button" class="btn" data-testid={`${testid}-add`} disabled={!normalize(code)} onClick={add}>{t('addLot')}</button>
      <ul class="list" data-testid={`${testid}-list`}>
        {lots.map((c) => {
          const l = lotOf(c);
          return (
            <li key={c}><span class="mono">{format(c)}</span> <span class="hint">{l ? `${gradeName(l.grade)} · ${kg(l.mass_kg)}` : ''}</span>
              <button type="button" class="link" onClick={() => setLots(lots.filter((x) => x !== c))}>{t('remove')}</button></li>
          );
        })}
      </ul>
    </div>
  );
}

export function Ship() {
  const { destinations } = useSignal(cache);
  useSignal(lang);
  const [lots, setLots] = useState([]);
  const [to, setTo] = useState('');
  const [mode, setMode] = useState('road_diesel');
  const [vehicle, setVehicle] = useState('');
  const [distance, setDistance] = useState('');
  const [manifest, setManifest] = useState('');
  const hazardous = lots.some((c) => gradeOf(lotOf(c)?.grade)?.hazardous);
  const valid = lots.length && to && (!hazardous || manifest);
  async function save(e) {
    e.preventDefault();
    if (!valid) return;
    const transport = { mode, ...(vehicle ? { vehicle } : {}), ...(distance ? { distance_km: Number(distance) } : {}) };
    const body = newEvent('ship', { lots, to_site: to, transport, ...(manifest ? { manifest } : {}) });
    await enqueue(body, { summary: `${lots.map(format).join(', ')} → ${to} · ${tEnum('mode', mode)}` });
    await forgetLots(lots);
    await loadQueue();
    sync();
    go('/queue');
  }
  return (
    <Screen title={t('ship')}>
      <form onSubmit={save}>
        <LotList lots={lots} setLots={setLots} />
        <Field label={t('toSite')}>
          <Select testid="to-site" value={to} onChange={setTo}
                  options={[['', '—'], ...destinations.map((d) => [d.code, d.org_name ? `${d.name} · ${d.org_name}` : d.name])]} />
        </Field>
        <Field label={t('mode')}>
          <Select testid="mode" value={mode} onChange={setMode} options={MODES.map((m) => [m, tEnum('mode', m)])} />
        </Field>
        <Field label={t('vehicle')}>
          <input data-testid="vehicle" value={vehicle} maxLength={32} onInput={(e) => setVehicle(e.currentTarget.value)} />
        </Field>
        <Field label={t('distance')}>
          <input data-testid="distance" inputMode="decimal" value={distance} onInput={(e) => setDistance(e.currentTarget.value)} />
        </Field>
        {hazardous ? (
          <Field label={t('manifest')} error={manifest ? null : t('required')}>
            <input data-testid="manifest" value={manifest} onInput={(e) => setManifest(e.currentTarget.value)} />
          </Field>
        ) : null}
        <button class="btn primary" data-testid="save" disabled={!valid}>{t('ship')}</button>
      </form>
    </Screen>
  );
}
