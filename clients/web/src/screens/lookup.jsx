import { useEffect, useState } from 'preact/hooks';
import { t, tEnum, lang } from '../i18n.js';
import { api, isNetworkError, session } from '../api.js';
import { mayOpen } from '../roles.js';
import { cacheLotCard, cachedLotCard, gradeOf, lotOf, orgName, siteName } from '../data.js';
import { format, normalize } from '../lotcode.js';
import { CodeInput, Screen, go, kg, useSignal } from '../ui.jsx';
import { Composition } from '../composition.jsx';

export function Lookup() {
  const [code, setCode] = useState('');
  const open = (c = normalize(code)) => { if (c) go(`/lot/${c}`); };
  return (
    <Screen title={t('lookup')}>
      <CodeInput value={code} onChange={setCode} onEnter={open} testid="lookup-input" />
      <button type="button" class="btn primary" data-testid="lookup-go" disabled={!normalize(code)} onClick={() => open()}>{t('lookup')}</button>
    </Screen>
  );
}

export function LotCard({ code }) {
  useSignal(lang);
  const [card, setCard] = useState(null);
  const [error, setError] = useState(null);
  const [offline, setOffline] = useState(false);
  useEffect(() => {
    const c = normalize(code);
    if (!c) { setError(t('codeCheck')); return; }
    Promise.all([api(`/lots/${c}`), api(`/events?lot=${c}&limit=200`)])
      .then(([lot, events]) => { const next = { lot, events: events.items }; setCard(next); cacheLotCard(c, next); })
      .catch(async (e) => {
        if (!isNetworkError(e)) { setError(e.status === 404 ? t('notFound') : e.message); return; }
        const cached = await cachedLotCard(c);
        const local = lotOf(c);
        if (cached || local) { setOffline(true); setCard(cached || { lot: local, events: [] }); } else setError(e.message);
      });
  }, [code]);
  if (error) return <Screen title={t('lookup')}><p class="bad" data-testid="lot-error">{error}</p></Screen>;
  if (!card) return <Screen title={t('lookup')}><p class="hint">…</p></Screen>;
  const { lot, events } = card;
  const grade = gradeOf(lot.grade);
  const gradeName = grade && (lang.get() === 'en' ? grade.name_en : grade.name_zh);
  return (
    <Screen title={format(lot.code)}>
      <div class="card" data-testid="lot-card">
        {offline ? <p class="badge pending">{t('cachedCopy')}</p> : null}
        <p class="big-code mono" data-testid="lot-code">{format(lot.code)}</p>
        <dl class="facts">
          <dt>{t('metal')}</dt><dd>{tEnum('metal', lot.metal)} {lot.metal}</dd>
          <dt>{t('grade')}</dt><dd>{grade ? <span data-testid="lot-grade-name">{gradeName} </span> : <span class="hint">{t('productName')} </span>}
            <span class={grade ? 'hint mono' : 'mono'} data-testid="lot-grade">{lot.grade}</span></dd>
          <dt>{t('status')}</dt><dd data-testid="lot-status">{tEnum('status', lot.status)}</dd>
          <dt>{t('weight')}</dt><dd data-testid="lot-mass">{kg(lot.mass_kg)}</dd>
          {lot.custodian ? <><dt>{t('custodian')}</dt><dd data-testid="lot-holder">{orgName(lot.custodian.org)}
            {lot.custodian.site ? ` · ${siteName(lot.custodian.site)}`
              : lot.destination ? ` · ${t('holderInTransit', { site: siteName(lot.destination) })}` : ''}</dd></> : null}
        </dl>
        {lot.cells?.length ? <><h3>{t('composition')}</h3><Composition cells={lot.cells} /></> : null}
        {mayOpen(session.get()?.me, '/lineage') ? <button type="button" class="btn" data-testid="lot-lineage"
                                                          onClick={() => go(`/lineage/${lot.code}`)}>{t('lineage')}</button> : null}
      </div>
      <h3>{t('history')}</h3>
      <ol class="list" data-testid="lot-history">
        {events.map((ev) => (
          <li key={ev.id}><strong>{tEnum('event', ev.type)}</strong> <span class="hint">
            {new Date(ev.occurred_at).toLocaleString(lang.get())} · {siteName(ev.site)}</span>
            {details(ev, lot.code).length ? <div class="hint">{details(ev, lot.code).join(' · ')}</div> : null}</li>
        ))}
      </ol>
    </Screen>
  );
}

/** What an event did, in words: origin and seller, destination and transport, the operation…
 * Another organisation's event comes redacted (`ev.redacted`): only the lines about lots this
 * organisation may see, so every field may be missing. */
function details(ev, code) {
  const mine = (items) => (items || []).find((x) => normalize(x.lot) === code);
  const mass = (n) => n != null && kg(n);
  switch (ev.type) {
    case 'collect':
    case 'declare':
      return [ev.origin && tEnum('origin', ev.origin), ev.source?.kind && tEnum('seller', ev.source.kind),
              ev.reason && tEnum('reason', ev.reason), mass(ev.mass_kg)].filter(Boolean);
    case 'import':
      return [ev.origin && tEnum('origin', ev.origin), ev.country, mass(ev.mass_kg)].filter(Boolean);
    case 'ship':
      return [ev.to_site && t('shipTo', { site: siteName(ev.to_site) }), ev.transport?.mode && tEnum('mode', ev.transport.mode)].filter(Boolean);
    case 'receive': {
      const r = mine(ev.lots);
      return r ? [mass(r.mass_kg)].filter(Boolean) : [];
    }
    case 'transform': {
      // created_lots follows the outputs' order, so an output the server named is found too.
      const out = mine(ev.outputs) || ev.outputs?.[(ev.created_lots || []).indexOf(code)];
      return [ev.kind && tEnum('kind', ev.kind), out && mass(out.mass_kg)].filter(Boolean);
    }
    case 'assay': return ev.metal_pct != null ? [t('metalPct', { pct: ev.metal_pct })] : [];
    case 'melt': {
      const charged = mine(ev.inputs);  // a supplier sees the charge of its own lot only
      return [ev.product && t('product', { product: ev.product }), charged && mass(charged.mass_kg)].filter(Boolean);
    }
    case 'void': return ev.reason ? [ev.reason] : [];
    default: return [];
  }
}
