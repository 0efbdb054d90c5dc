// What a user may do in the app, from its role and its organisation's kind (GET /me): the home
// screen shows these tiles only, and a screen outside them is not opened.

/** Recording actions by organisation kind (operators and managers). */
const BY_KIND = {
  collector: ['collect', 'ship', 'receive'],
  sorter: ['collect', 'ship', 'receive', 'sort'],
  smelter: ['receive', 'assay', 'melt'],
};
/** What auditors and administrators read: the agency's desk screens, then look-up. */
const READER = ['producers', 'flows', 'lineage', 'findings', 'lookup'];
/** Screens of the desk chunk (src/desk), and the tile that opens each of their paths. */
const DESK = { melt: 'melt', producers: 'producers', producer: 'producers', flows: 'flows',
               lineage: 'lineage', findings: 'findings' };

export const isDesk = (path) => path.split('/')[1] in DESK;
/** True for an action recorded at a site (the home screen asks for the site first). */
export const needsSite = (key) => key !== 'queue' && !READER.includes(key);

/** The tiles of the home screen, in order: recording actions, then look-up and the queue. */
export function actionsFor(me) {
  if (!me) return ['lookup'];
  if (me.role === 'auditor' || me.role === 'admin') return READER;
  const records = BY_KIND[me.org_kind] || [];
  return records.length ? [...records, 'lookup', 'queue'] : ['lookup'];
}

/** True when the screen at `path` ('/collect', '/queue'…) is one of the user's actions. */
export function mayOpen(me, path) {
  const first = path.split('/')[1] || '';
  const key = DESK[first] || path.replace(/^\//, '');
  return key === '' || actionsFor(me).includes(key);
}
