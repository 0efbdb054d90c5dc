import { t, tEnum, lang } from '../i18n.js';
import { queueDelete } from '../store.js';
import { loadQueue, queue, sync, syncing } from '../sync.js';
import { Screen, useSignal } from '../ui.jsx';

/** The refusal in the user's language, when the problem code is known. */
const why = (p) => (tEnum('problem', p.code) === p.code ? null : tEnum('problem', p.code));

/** Every action made on this phone: pending, saved, or refused with the server's reason. */
export function Queue() {
  const items = useSignal(queue);
  const busy = useSignal(syncing);
  useSignal(lang);
  return (
    <Screen title={t('queue')}>
      <button type="button" class="btn primary" data-testid="sync-now-queue" disabled={busy} onClick={() => sync()}>
        {busy ? t('syncing') : t('syncNow')}</button>
      <ul class="list queue" data-testid="queue-list">
        {[...items].reverse().map((q) => (
          <li key={q.id} class={`q-${q.state}`} data-testid={`q-${q.id}`} data-state={q.state}>
            <span class={`badge ${q.state}`}>{t(q.state === 'pending' ? 'pendingState' : q.state)}</span>
            <strong> {tEnum('event', q.body.type)}</strong> <span>{q.summary}</span>
            {q.problem ? (
              <p class="bad" data-testid="refusal">{why(q.problem) ? <>{why(q.problem)}<br /></> : null}<span class="hint">{q.problem.code}: {q.problem.detail}</span>
                <button type="button" class="link" onClick={() => queueDelete(q.id).then(loadQueue)}>{t('dismiss')}</button></p>
            ) : null}
          </li>
        ))}
        {items.length ? null : <li class="hint">{t('empty')}</li>}
      </ul>
    </Screen>
  );
}
