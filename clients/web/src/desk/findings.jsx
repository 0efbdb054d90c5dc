// The agency's findings inbox: filters, a finding's facts and notes, notes and status changes
// (GET /findings, POST /findings/{id}/notes and /status).
import { useEffect, useState } from 'preact/hooks';
import { api, session } from '../api.js';
import { orgName, siteName } from '../data.js';
import { t, tEnum } from '../i18n.js';
import { Field, Screen, Select, useSignal } from '../ui.jsx';
import { Downloads, Unavailable, query, useReport } from './common.jsx';

const KINDS = ['weight-gap', 'stale-transit', 'excess-loss', 'yield-above-metal', 'low-yield',
  'late-record', 'declared-share', 'void-rate', 'licence-capacity'];
const STATUSES = ['open', 'acknowledged', 'resolved', 'dismissed'];
const SEVERITIES = ['info', 'warning', 'high'];

function Finding({ id, onChanged }) {
  const me = useSignal(session).me || {};
  const [version, setVersion] = useState(0);
  const { data, error, loading } = useReport(`/findings/${encodeURIComponent(id)}?v=${version}`);
  const [text, setText] = useState('');
  const [problem, setProblem] = useState(null);
  if (loading) return <p class="hint">{t('desk.loading')}</p>;
  if (error) return <Unavailable error={error} />;
  const post = (path, body) => api(path, { method: 'POST', body })
    .then(() => { setText(''); setProblem(null); setVersion(version + 1); onChanged(); })
    .catch((e) => setProblem(e));
  return (
    <div class="card" data-testid="finding">
      <h3>{tEnum('finding', data.kind)} <span class={`badge sev-${data.severity}`}>{tEnum('severity', data.severity)}</span></h3>
      <dl class="facts">
        <dt>{t('status')}</dt><dd data-testid="finding-status">{tEnum('findingStatus', data.status)}</dd>
        <dt>{t('desk.org')}</dt><dd>{orgName(data.org)}{data.site ? ` · ${siteName(data.site)}` : ''}</dd>
        <dt>{t('desk.detected')}</dt><dd>{data.detected_at?.slice(0, 16).replace('T', ' ')}</dd>
        {Object.entries(data.params || {}).flatMap(([k, v]) => [<dt key={`${k}-k`}>{tEnum('findingParam', k)}</dt>,
          <dd key={`${k}-v`}>{typeof v === 'object' ? JSON.stringify(v) : String(v)}</dd>])}
      </dl>
      <h3>{t('desk.notes')}</h3>
      <ul class="list" data-testid="finding-notes">
        {(data.notes || []).filter((n) => n.text).map((n, i) => <li key={i}><span class="hint">{n.by} · {n.at?.slice(0, 16).replace('T', ' ')}</span><br />{n.text}</li>)}
      </ul>
      <Field label={t('desk.note')}>
        <textarea data-testid="note-text" rows={2} value={text} onInput={(e) => setText(e.currentTarget.value)} />
      </Field>
      <div class="row">
        <button type="button" class="btn" data-testid="note-add" disabled={!text.trim()}
                onClick={() => post(`/findings/${encodeURIComponent(id)}/notes`, { text: text.trim() })}>{t('desk.addNote')}</button>
        {me.role === 'auditor' ? STATUSES.filter((st) => st !== data.status).map((st) => (
          <button type="button" class="btn small" key={st} data-testid={`status-${st}`}
                  onClick={() => post(`/findings/${encodeURIComponent(id)}/status`, { status: st, ...(text.trim() ? { note: text.trim() } : {}) })}>
            {tEnum('findingStatus', st)}</button>)) : null}
      </div>
      {problem ? <p class="bad">{tEnum('problem', problem.code)} {problem.message}</p> : null}
    </div>
  );
}

export function Findings() {
  const [filters, setFilters] = useState({ status: 'open', kind: '', severity: '' });
  const [version, setVersion] = useState(0);
  const [open, setOpen] = useState(null);
  const [more, setMore] = useState([]); // later pages: [{items, next_cursor}]
  const { data, error, loading } = useReport(`/findings?${query({ ...filters, v: version || null })}`);
  useEffect(() => setMore([]), [data]);
  const pages = data ? [data, ...more] : [];
  const items = pages.flatMap((pg) => pg.items);
  const cursor = pages.length ? pages[pages.length - 1].next_cursor : null;
  const next = () => api(`/findings?${query({ ...filters, cursor })}`).then((pg) => setMore([...more, pg]));
  const pick = (name, values, group) => (
    <Field label={t(`desk.filter.${name}`)}>
      <Select testid={`filter-${name}`} value={filters[name]} onChange={(v) => setFilters({ ...filters, [name]: v })}
              options={[['', t('desk.all')], ...values.map((v) => [v, tEnum(group, v)])]} />
    </Field>);
  return (
    <Screen title={t('findings')}>
      <div class="desk-filters">
        {pick('status', STATUSES, 'findingStatus')}{pick('kind', KINDS, 'finding')}{pick('severity', SEVERITIES, 'severity')}
      </div>
      <Downloads path="/findings" params={{ ...filters, limit: 1000 }} name="findings" />
      {error ? <Unavailable error={error} testid="findings-unavailable" /> : loading ? <p class="hint">{t('desk.loading')}</p> : (
        <div class="desk-split">
          <ul class="list" data-testid="findings-list">
            {items.length ? items.map((f) => (
              <li key={f.id} class={open === f.id ? 'selected' : ''}>
                <button type="button" class="link" data-testid={`finding-${f.id}`} onClick={() => setOpen(f.id)}>{tEnum('finding', f.kind)}</button>
                <span class={`badge sev-${f.severity}`}>{tEnum('severity', f.severity)}</span>
                <span class="hint"> {orgName(f.org)} · {tEnum('findingStatus', f.status)} · {f.detected_at?.slice(0, 10)}</span>
              </li>)) : <li class="hint">{t('empty')}</li>}
            {cursor ? <li><button type="button" class="btn small" data-testid="findings-more" onClick={next}>{t('desk.more')}</button></li> : null}
          </ul>
          <div>{open ? <Finding id={open} key={open} onChanged={() => setVersion(version + 1)} /> : <p class="hint">{t('desk.pickFinding')}</p>}</div>
        </div>
      )}
    </Screen>
  );
}
