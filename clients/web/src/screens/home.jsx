import { t } from '../i18n.js';
import { saveSession, session } from '../api.js';
import { refreshCaches } from '../data.js';
import { Field, Select, go, useSignal } from '../ui.jsx';
import { Icon } from '../icons.jsx';

const ACTIONS = ['collect', 'ship', 'receive', 'sort', 'lookup', 'queue'];

export function Home() {
  const s = useSignal(session);
  const sites = s.me?.sites || [];
  return (
    <section class="screen">
      <Field label={t('site')}>
        <Select testid="site-select" value={s.site || ''}
                options={[['', t('chooseSite')], ...sites.map((x) => [x.code, `${x.name} (${x.code})`])]}
                onChange={(site) => { saveSession({ ...s, site: site || null }); refreshCaches().catch(() => {}); }} />
      </Field>
      <nav class="grid">
        {ACTIONS.map((key) => (
          <button type="button" class="tile" data-testid={`go-${key}`} disabled={!s.site && key !== 'lookup' && key !== 'queue'}
                  onClick={() => go(`/${key}`)} key={key}>
            <Icon name={key} class="tile-icon" /><span>{t(key)}</span>
          </button>
        ))}
      </nav>
    </section>
  );
}
