// A lot's composition as a picture: one horizontal bar of its cells by mass, a legend with the
// translated cell labels and kilograms, and the three shares a collector asks about first.
import { t, tEnum } from './i18n.js';
import { kg } from './ui.jsx';

const ORIGINS = ['post_consumer', 'pre_consumer', 'home_scrap', 'primary'];
const PROVENANCES = ['in_province', 'out_of_province', 'imported'];
const EVIDENCES = ['traced', 'declared'];
// One hue per origin; in province darkest, other provinces lighter, imported lightest.
const COLOURS = {
  post_consumer: ['#1f7a3f', '#56a872', '#a3d4b0'],
  pre_consumer: ['#2563a8', '#5e92d1', '#aac7ea'],
  home_scrap: ['#9a6700', '#c99a3a', '#e8cf94'],
  primary: ['#525b66', '#89929c', '#c4c9cf'],
};
const rank = (list, v) => { const i = list.indexOf(v); return i < 0 ? list.length : i; };

/** Declared (not traced) mass is hatched, so it stands apart in any colour. */
export function cellStyle(c) {
  const colour = (COLOURS[c.origin] || COLOURS.primary)[Math.min(rank(PROVENANCES, c.provenance), 2)];
  return c.evidence === 'traced' ? { background: colour }
    : { background: `repeating-linear-gradient(135deg, ${colour} 0 4px, #fff 4px 7px)` };
}

export const cellLabel = (c) =>
  `${tEnum('origin', c.origin)} · ${tEnum('provenance', c.provenance)} · ${tEnum('evidence', c.evidence)}`;

const pct = (part, whole) =>
  (whole > 0 ? `${(Math.round((part / whole) * 1000) / 10).toLocaleString(undefined, { maximumFractionDigits: 1 })}%` : '–');

const SHARES = [['origin', 'post_consumer'], ['evidence', 'traced'], ['provenance', 'in_province']];

export function Composition({ cells }) {
  const sorted = cells.filter((c) => c.mass_kg > 0).sort((a, b) =>
    rank(ORIGINS, a.origin) - rank(ORIGINS, b.origin)
    || rank(PROVENANCES, a.provenance) - rank(PROVENANCES, b.provenance)
    || rank(EVIDENCES, a.evidence) - rank(EVIDENCES, b.evidence));
  const total = sorted.reduce((a, c) => a + c.mass_kg, 0);
  const sum = (group, value) => sorted.filter((c) => c[group] === value).reduce((a, c) => a + c.mass_kg, 0);
  const key = (c) => `${c.origin}/${c.provenance}/${c.evidence}`;
  return (
    <div class="composition" data-testid="composition">
      <ul class="shares" data-testid="composition-shares">
        {SHARES.map(([group, value]) => (
          <li key={value}><strong>{pct(sum(group, value), total)}</strong> {tEnum(group, value)}</li>
        ))}
      </ul>
      <div class="stack" role="img" data-testid="composition-bar"
           aria-label={t('compositionChart', { parts: sorted.map((c) => `${cellLabel(c)} ${pct(c.mass_kg, total)}`).join('; ') })}>
        {sorted.map((c) => <span key={key(c)} class="seg" style={{ ...cellStyle(c), flexGrow: c.mass_kg }} />)}
      </div>
      <ul class="legend" data-testid="composition-legend">
        {sorted.map((c) => (
          <li key={key(c)}>
            <span class="swatch" style={cellStyle(c)} aria-hidden="true" />
            <span class="legend-label">{cellLabel(c)}</span>
            <span class="legend-kg">{kg(Math.round(c.mass_kg * 10) / 10)} <span class="hint">{pct(c.mass_kg, total)}</span></span>
          </li>
        ))}
      </ul>
    </div>
  );
}
