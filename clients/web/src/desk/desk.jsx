// The desk screens (smelters and agencies), loaded as a chunk of their own the first time one of
// them opens, with their translations: the phone screens' first load does not carry them.
import { addMessages } from '../i18n.js';
import zh from '../locales/desk.zh-CN.js';
import en from '../locales/desk.en.js';
import './desk.css';
import { Melt } from './melt.jsx';
import { Producers } from './producers.jsx';
import { Producer } from './producer.jsx';
import { Flows } from './flows.jsx';
import { Lineage } from './lineage.jsx';
import { Findings } from './findings.jsx';

addMessages('zh-CN', zh);
addMessages('en', en);

const SCREENS = { melt: Melt, producers: Producers, flows: Flows, lineage: Lineage, findings: Findings };

/** The desk screen for `path` ('/melt', '/producer/QN-LY', '/lineage/7KQM3X9PD'…). */
export function DeskScreen({ path }) {
  const [, first, rest] = path.split('/');
  if (first === 'producer') return <Producer org={decodeURIComponent(rest || '')} />;
  const Screen = SCREENS[first];
  return Screen ? <Screen /> : null;
}
