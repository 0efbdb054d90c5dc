// What a user may do in the app, from its role and its organisation's kind (GET /me): the home
// screen shows these tiles only, and a screen outside them is not opened.

/** Recording actions by organisation kind (operators and managers); melt comes with its screen. */
const BY_KIND = {
  collector: ['collect', 'ship', 'receive'],
  sorter: ['collect', 'ship', 'receive', 'sort'],
  smelter: ['receive', 'assay'],
};

/** The tiles of the home screen, in order: recording actions, then look-up and the queue. */
export function actionsFor(me) {
  if (!me || me.role === 'auditor' || me.role === 'admin') return ['lookup'];
  const records = BY_KIND[me.org_kind] || [];
  return records.length ? [...records, 'lookup', 'queue'] : ['lookup'];
}

/** True when the screen at `path` ('/collect', '/queue'…) is one of the user's actions. */
export function mayOpen(me, path) {
  const key = path.replace(/^\//, '');
  return key === '' || actionsFor(me).includes(key);
}
