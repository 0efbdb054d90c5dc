import { t } from '../i18n.js';
import { queueDelete } from '../store.js';
import { loadQueue, queue, sync, syncing } from '../sync.js';
import { Screen, useSignal } from '../ui.jsx';

/** Every action made on this phone: pending, saved, or refused with the server's reason. */
export function Queue() {
  const items = useSignal(queue);
  const busy = useSignal(syncing);
  return (
    <Screen title={t('queue')}>
      <button type="button" class="btn primary" data-testid="sync-now-queue" disabled={busy} onClick={() => sync()}>
        {busy ? t('syncing') : t('syncNow')}</button>
      <ul class="list queue" data-testid="queue-list">
        {[...items].reverse().map((q) => (
          <li key={q.id} class={`q-${q.state}`} data-testid={`q-${q.id}`} data-state={q.state}>
            <span class={`badge ${q.state}`}>{t(q.state === 'pending' ? 'pendingState' : q.state)}</span>
            <strong> {t(`event_${q.body.type}`)}</strong> <span>{q.summary}</span>
            {q.problem ? (
              <p class="bad" data-testid="refusal">{q.problem.code}: {q.problem.detail}
                <button type="button" class="link" onClick={() => queueDelete(q.id).then(loadQueue)}>{t('dismiss')}</button></p>
            ) : null}
          </li>
        ))}
        {items.length ? null : <li class="hint">{t('empty')}</li>}
      </ul>
    </Screen>
  );
}
