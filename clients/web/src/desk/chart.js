// Apache ECharts, tree-shaken to the charts the desk screens draw; a chunk of its own, loaded
// only when a screen draws a chart. Chinese and English labels are built into echarts' core.
import { init, use } from 'echarts/core';
import { BarChart, GraphChart, LineChart, SankeyChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';

use([BarChart, GraphChart, LineChart, SankeyChart, GridComponent, LegendComponent,
  TooltipComponent, SVGRenderer]);

/** A chart in `el`, in the app's language; answers a function that disposes of it. */
export function draw(el, option, lang) {
  const chart = init(el, null, { renderer: 'svg', locale: lang === 'en' ? 'EN' : 'ZH' });
  chart.setOption({ animation: false, ...option });
  const resize = () => chart.resize();
  window.addEventListener('resize', resize);
  return () => { window.removeEventListener('resize', resize); chart.dispose(); };
}
