import { useEffect, useState } from 'preact/hooks';
import { t, tEnum, lang } from '../i18n.js';
import { api, session } from '../api.js';
import { cache, regionName, rememberLot } from '../data.js';
import { normalize, format } from '../lotcode.js';
import { enqueue } from '../store.js';
import { loadQueue, queue, sync } from '../sync.js';
import { CodeInput, Field, Screen, Select, kg, newEvent, useSignal } from '../ui.jsx';

const METALS = ['Al', 'Cu', 'Pb'];
const ORIGINS = ['post_consumer', 'pre_consumer', 'home_scrap'];
const SELLERS = ['household', 'business', 'collector', 'dealer'];

export function Collect() {
  const s = useSignal(session);
  const { grades } = useSignal(cache);
  useSignal(lang);
  const site = s.me?.sites.find((x) => x.code === s.site);
  const [code, setCode] = useState('');
  const [metal, setMetal] = useState('Al');
  const [grade, setGrade] = useState('');
  const [origin, setOrigin] = useState('post_consumer');
  const [mass, setMass] = useState('');
  const [seller, setSeller] = useState('household');
  const [region, setRegion] = useState(site?.region || '');
  const [photo, setPhoto] = useState(null);
  const [done, setDone] = useState(null);
  const options = grades.filter((g) => g.metal === metal);
  const nameOf = (g) => (lang.get() === 'en' ? g.name_en : g.name_zh) + ` (${g.code})`;
  useEffect(() => { if (!options.find((g) => g.code === grade)) setGrade(options[0]?.code || ''); }, [metal, grades.length]);

  if (done) return <LabelView item={done} onNext={() => { setDone(null); setCode(''); setMass(''); setPhoto(null); }} />;
  const lot = normalize(code);
  const valid = lot && grade && Number(mass) > 0 && /^\d+(\.\d{1,3})?$/.test(mass);
  async function save(e) {
    e.preventDefault();
    if (!valid) return;
    const body = newEvent('collect', {
      lot, metal, grade, origin, mass_kg: Number(mass),
      source: { kind: seller, ...(/^\d{6}$/.test(region) ? { region } : {}) },
    });
    const item = await enqueue(body, { photo, summary: `${format(lot)} · ${grade} · ${kg(mass)}` });
    await rememberLot({ code: lot, metal, grade, status: 'active', mass_kg: Number(mass), local: true });
    await loadQueue();
    setDone(item);
    sync();
  }
  return (
    <Screen title={t('collect')}>
      <form onSubmit={save}>
        <CodeInput value={code} onChange={setCode} allowNew />
        <Field label={t('metal')}>
          <Select testid="metal" value={metal} onChange={setMetal} options={METALS.map((m) => [m, `${tEnum('metal', m)} ${m}`])} />
        </Field>
        <Field label={t('grade')}>
          <Select testid="grade" value={grade} onChange={setGrade} options={options.map((g) => [g.code, nameOf(g)])} />
        </Field>
        <Field label={t('origin')}>
          <Select testid="origin" value={origin} onChange={setOrigin} options={ORIGINS.map((o) => [o, tEnum('origin', o)])} />
        </Field>
        <Field label={t('weight')}>
          <input data-testid="mass" inputMode="decimal" value={mass} onInput={(e) => setMass(e.currentTarget.value.trim())} />
        </Field>
        <Field label={t('sellerKind')}>
          <Select testid="seller" value={seller} onChange={setSeller} options={SELLERS.map((o) => [o, tEnum('seller', o)])} />
        </Field>
        <Field label={t('region')} hint={/^\d{6}$/.test(region) ? <span data-testid="region-name">{regionName(region)}</span> : null}>
          <input data-testid="region" inputMode="numeric" maxLength={6} value={region} onInput={(e) => setRegion(e.currentTarget.value)} />
        </Field>
        <Field label={t('photo')}>
          <input type="file" accept="image/*" capture="environment" onChange={(e) => setPhoto(e.currentTarget.files[0] || null)} />
        </Field>
        <button class="btn primary" data-testid="save" disabled={!valid}>{t('save')}</button>
      </form>
    </Screen>
  );
}

/** The new lot's label: the code in large type, and the QR image once the event is stored. */
export function LabelView({ item, onNext }) {
  const q = useSignal(queue).find((x) => x.id === item.id) || item;
  const code = item.body.lot;
  const [img, setImg] = useState(null);
  useEffect(() => {
    if (q.state !== 'done' || img) return;
    api(`/lots/${code}/label.png`, { raw: true }).then((r) => r.blob()).then((b) => setImg(URL.createObjectURL(b))).catch(() => {});
  }, [q.state]);
  return (
    <Screen title={t('label')}>
      <div class="card label-card" data-testid="label-card">
        <p class={`badge ${q.state}`} data-testid="label-state">{t(q.state === 'pending' ? 'pendingState' : q.state)}</p>
        <p class="big-code mono" data-testid="label-code">{format(code)}</p>
        <p>{item.summary}</p>
        {img ? <img src={img} alt={format(code)} class="label-img" data-testid="label-img" /> : <p class="hint">{t('labelLater')}</p>}
        {q.problem ? <p class="bad">{q.problem.code}: {q.problem.detail}</p> : null}
      </div>
      <div class="row">
        <button type="button" class="btn" onClick={() => window.print()}>{t('printLabel')}</button>
        <button type="button" class="btn primary" data-testid="collect-next" onClick={onNext}>{t('collect')} ＋</button>
      </div>
    </Screen>
  );
}
