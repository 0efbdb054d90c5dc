import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n.js';
import { api, isNetworkError } from '../api.js';
import { cacheLotCard, cachedLotCard, lotOf } from '../data.js';
import { format, normalize } from '../lotcode.js';
import { CodeInput, Screen, go, kg, useSignal } from '../ui.jsx';
import { lang } from '../i18n.js';

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
  return (
    <Screen title={format(lot.code)}>
      <div class="card" data-testid="lot-card">
        {offline ? <p class="badge pending">{t('cachedCopy')}</p> : null}
        <p class="big-code mono" data-testid="lot-code">{format(lot.code)}</p>
        <dl class="facts">
          <dt>{t('metal')}</dt><dd>{t(lot.metal)} {lot.metal}</dd>
          <dt>{t('grade')}</dt><dd data-testid="lot-grade">{lot.grade}</dd>
          <dt>{t('status')}</dt><dd data-testid="lot-status">{t(lot.status)}</dd>
          <dt>{t('weight')}</dt><dd data-testid="lot-mass">{kg(lot.mass_kg)}</dd>
          {lot.custodian ? <><dt>{t('custodian')}</dt><dd>{lot.custodian.org} · {lot.custodian.site || lot.destination || ''}</dd></> : null}
        </dl>
        {lot.cells?.length ? <><h3>{t('composition')}</h3><ul class="list">
          {lot.cells.map((c) => <li key={c.origin + c.provenance + c.evidence}>{t(c.origin)} · {c.provenance} · {c.evidence}: {kg(c.mass_kg)}</li>)}
        </ul></> : null}
      </div>
      <h3>{t('history')}</h3>
      <ol class="list" data-testid="lot-history">
        {events.map((ev) => (
          <li key={ev.id}><strong>{t(`event_${ev.type}`)}</strong> <span class="hint">{new Date(ev.occurred_at).toLocaleString()} · {ev.site}</span></li>
        ))}
      </ol>
    </Screen>
  );
}
