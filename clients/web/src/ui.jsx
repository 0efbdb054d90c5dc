// Shared building blocks of every screen: signals as hooks, routing, fields, the code input.
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from './i18n.js';
import { checkCode, format, fromScan, newCode, symbols } from './lotcode.js';
import { session } from './api.js';
import { signal } from './signal.js';
import { Icon } from './icons.jsx';

export function useSignal(sig) {
  const [, force] = useState(0);
  useEffect(() => sig.subscribe(() => force((n) => n + 1)), [sig]);
  return sig.get();
}

const BASE = '/app';
export const route = signal(location.pathname.replace(BASE, '') || '/');
export function go(path) {
  history.pushState(null, '', BASE + path);
  route.set(path);
  window.scrollTo(0, 0);
}
window.addEventListener('popstate', () => route.set(location.pathname.replace(BASE, '') || '/'));

export function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Now as RFC 3339 with the phone's own offset (the event keeps where-in-time it happened). */
export function nowLocal() {
  const d = new Date();
  const off = -d.getTimezoneOffset();
  const pad = (n) => String(Math.floor(Math.abs(n))).padStart(2, '0');
  const local = new Date(d.getTime() + off * 60000).toISOString().slice(0, 19);
  return `${local}${off >= 0 ? '+' : '-'}${pad(off / 60)}:${pad(off % 60)}`;
}

export function newEvent(type, fields) {
  return { id: uuid(), type, occurred_at: nowLocal(), site: session.get().site, ...fields };
}

export const kg = (n) => (n == null ? '–' : `${Number(n).toLocaleString(undefined, { maximumFractionDigits: 3 })} kg`);

export function Field({ label, children, hint, error }) {
  return (
    <label class="field">
      <span class="field-label">{label}</span>
      {children}
      {error ? <span class="hint bad">{error}</span> : hint ? <span class="hint">{hint}</span> : null}
    </label>
  );
}

export function Select({ value, onChange, options, testid, ...rest }) {
  return (
    <select value={value} data-testid={testid} onChange={(e) => onChange(e.currentTarget.value)} {...rest}>
      {options.map(([v, label]) => <option value={v} key={v}>{label}</option>)}
    </select>
  );
}

export function Screen({ title, children }) {
  return (
    <section class="screen">
      <div class="screen-head">
        <button type="button" class="link" onClick={() => history.length > 1 ? history.back() : go('/')}>‹ {t('back')}</button>
        <h2>{title}</h2>
      </div>
      {children}
    </section>
  );
}

const CODE_MSG = { short: 'codeShort', long: 'codeLong', char: 'codeChar', check: 'codeCheck', ok: 'codeOk' };

/** A lot code typed or scanned, with the check character validated as the user types. */
export function CodeInput({ value, onChange, onEnter, allowNew, testid = 'code-input', label }) {
  const [scanning, setScanning] = useState(false);
  const state = value ? checkCode(value) : null;
  const missing = 9 - (symbols(value) || '').length;
  return (
    <div class="code-input">
      <Field label={label || t('code')}
             hint={state === 'ok' ? <span class="ok">✓ {t('codeOk')}</span>
               : state === 'short' ? t('codeShort', { n: missing }) : null}
             error={state && state !== 'ok' && state !== 'short' ? t(CODE_MSG[state]) : null}>
        <input data-testid={testid} class="mono" value={value} autocomplete="off" autocapitalize="characters"
               spellcheck={false} placeholder="XXX-XXX-XXX"
               onInput={(e) => onChange(e.currentTarget.value.toUpperCase())}
               onKeyDown={(e) => { if (e.key === 'Enter' && onEnter) { e.preventDefault(); onEnter(); } }} />
      </Field>
      <div class="row">
        <button type="button" class="btn" data-testid={`${testid}-scan`} onClick={() => setScanning(!scanning)}>
          {scanning ? t('stopScan') : <><Icon name="camera" /> {t('scan')}</>}
        </button>
        {allowNew ? <button type="button" class="btn" data-testid="new-code"
                            onClick={() => onChange(format(newCode()))}>{t('newCode')}</button> : null}
      </div>
      {scanning ? <Scanner onCode={(code) => { setScanning(false); onChange(format(code)); onEnter?.(code); }}
                           onClose={() => setScanning(false)} /> : null}
    </div>
  );
}

export function Scanner({ onCode, onClose }) {
  const video = useRef(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    let stop = null;
    let alive = true;
    import('./scan.js')
      .then(({ startScan }) => startScan(video.current, (text) => {
        const code = fromScan(text);
        if (code && alive) { alive = false; onCode(code); }
      }))
      .then((s) => { if (alive) stop = s; else s(); })
      .catch(() => setError(t('cameraError')));
    return () => { alive = false; stop?.(); };
  }, []);
  return (
    <div class="scanner" data-testid="scanner">
      {error ? <p class="bad">{error}</p> : <p class="hint">{t('scanning')}</p>}
      <video ref={video} muted data-testid="scanner-video" />
      <button type="button" class="btn" onClick={onClose}>{t('stopScan')}</button>
    </div>
  );
}
