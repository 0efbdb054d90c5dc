// A box that draws an ECharts option once the chart chunk has loaded (lazily, on first use).
import { useEffect, useRef, useState } from 'preact/hooks';
import { lang, t } from '../i18n.js';

export function Chart({ option, testid, label, height = 320 }) {
  const el = useRef(null);
  const [state, setState] = useState('loading');
  useEffect(() => {
    let dispose = null;
    let alive = true;
    import('./chart.js').then(({ draw }) => {
      if (!alive || !el.current) return;
      dispose = draw(el.current, option, lang.get());
      setState('drawn');
    }).catch(() => setState('failed'));
    return () => { alive = false; dispose?.(); };
  }, [JSON.stringify(option), lang.get()]);
  return (
    <figure class="chart" role="img" aria-label={label} data-testid={testid} data-state={state}>
      <div ref={el} style={{ height: `${height}px`, width: '100%' }} />
      {state === 'failed' ? <figcaption class="bad">{t('desk.chartFailed')}</figcaption> : null}
    </figure>
  );
}
