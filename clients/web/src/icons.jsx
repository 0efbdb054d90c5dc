// Small line icons drawn by hand on a 24 × 24 grid: no emoji (no emoji font on many phones and in
// headless Chromium), no icon font. They are decoration: the text label next to them says it all.
const PATHS = {
  // a circle with a plus: a new lot
  collect: 'M3 12a9 9 0 1 0 18 0a9 9 0 1 0-18 0M12 7.5v9M7.5 12h9',
  // a lorry: box, cab, two wheels
  ship: 'M2.5 6h11v10.5h-11zM13.5 9.5h4l3.5 3.5v3.5h-7.5M4.5 18.5a2 2 0 1 0 4 0a2 2 0 1 0-4 0M15 18.5a2 2 0 1 0 4 0a2 2 0 1 0-4 0',
  // an arrow down into a tray
  receive: 'M3 13.5h5l1.5 2.5h5l1.5-2.5h5V20H3zM12 3.5v8.5M8.5 8.5 12 12l3.5-3.5',
  // two lines crossing over, with arrow heads: sort, split, merge
  sort: 'M3 7h4.5l9 10H21M3 17h4.5l9-10H21M18 4l3 3-3 3M18 14l3 3-3 3',
  // a magnifier
  lookup: 'M4 10.5a6.5 6.5 0 1 0 13 0a6.5 6.5 0 1 0-13 0M15.5 15.5 21 21',
  // a flask: an assay
  assay: 'M9 3h6M10 3v6L4.5 19a1.5 1.5 0 0 0 1.3 2h12.4a1.5 1.5 0 0 0 1.3-2L14 9V3M7 15h10',
  // a clock: waiting to sync
  queue: 'M3 12a9 9 0 1 0 18 0a9 9 0 1 0-18 0M12 7v5.5l3.5 2',
  // a crucible pouring: a melt
  melt: 'M4 5h12l-1.5 9a3 3 0 0 1-3 2.5h-3a3 3 0 0 1-3-2.5zM16 7.5l4-2M18 10v3M18 16v2M4 20.5h16',
  // a table of rows: producers
  producers: 'M3 4.5h18v15H3zM3 9.5h18M3 14.5h18M9 4.5v15',
  // three bands merging to the right: flows
  flows: 'M3 5c6 0 8 6 18 6M3 12h18M3 19c6 0 8-6 18-6',
  // nodes joined by lines: lineage
  lineage: 'M3 6a2 2 0 1 0 4 0a2 2 0 1 0-4 0M3 18a2 2 0 1 0 4 0a2 2 0 1 0-4 0M17 12a2 2 0 1 0 4 0a2 2 0 1 0-4 0M7 6.5l10 5M7 17.5l10-5',
  // a flag: findings
  findings: 'M5 21V4M5 4h12l-2.5 4L17 12H5',
  // a camera
  camera: 'M3 8h3.5L8 5.5h8L17.5 8H21v11H3zM8.5 13a3.5 3.5 0 1 0 7 0a3.5 3.5 0 1 0-7 0',
};

/** The icon `name`, 1em square in the current text colour, hidden from screen readers. */
export function Icon({ name, class: cls = 'icon' }) {
  return (
    <svg class={cls} viewBox="0 0 24 24" width="1em" height="1em" aria-hidden="true" focusable="false"
         fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round">
      <path d={PATHS[name]} />
    </svg>
  );
}
