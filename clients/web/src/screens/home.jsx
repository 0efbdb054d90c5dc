import { t, tEnum } from '../i18n.js';
import { saveSession, session } from '../api.js';
import { cache, refreshCaches, regionName } from '../data.js';
import { actionsFor, needsSite } from '../roles.js';
import { Field, Select, go, useSignal } from '../ui.jsx';
import { Icon } from '../icons.jsx';

export function Home() {
  const s = useSignal(session);
  useSignal(cache);  // region names arrive with the first sync
  const me = s.me || {};
  const sites = me.sites || [];
  const actions = actionsFor(me);
  return (
    <section class="screen">
      <p class="who-card" data-testid="who">
        <strong>{me.org_name || t('platform')}</strong>
        <span class="hint"> · {tEnum('role', me.role)}{me.org_kind ? ` · ${tEnum('orgKind', me.org_kind)}` : ''}</span>
      </p>
      {actions.some(needsSite) ? (
        <Field label={t('site')}>
          <Select testid="site-select" value={s.site || ''}
                  options={[['', t('chooseSite')], ...sites.map((x) => [x.code, `${x.name} · ${regionName(x.region)}`])]}
                  onChange={(site) => { saveSession({ ...s, site: site || null }); refreshCaches().catch(() => {}); }} />
        </Field>
      ) : <p class="hint" data-testid="read-only">{t('readOnlyHome')}</p>}
      <nav class="grid" data-testid="actions">
        {actions.map((key) => (
          <button type="button" class="tile" data-testid={`go-${key}`} disabled={!s.site && needsSite(key)}
                  onClick={() => go(`/${key}`)} key={key}>
            <Icon name={key} class="tile-icon" /><span>{t(key)}</span>
          </button>
        ))}
      </nav>
    </section>
  );
}
