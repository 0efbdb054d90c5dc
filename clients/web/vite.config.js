import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { defineConfig } from 'vite';

// Emits sw.js with the shell's file list (the scanner's and the desk screens' lazy chunks and
// .wasm are cached on use).
function serviceWorker() {
  return {
    name: 'scraptrace-service-worker',
    apply: 'build',
    generateBundle(_, bundle) {
      const lazy = (f) => /zxing|scan|desk|chart/.test(f) || f.endsWith('.wasm') || f.endsWith('.map');
      const files = Object.keys(bundle).filter((f) => !lazy(f) && f !== 'sw.js');
      const shell = ['/app/', ...files.map((f) => `/app/${f}`), '/app/manifest.webmanifest', '/app/icon.svg'];
      const version = createHash('sha256').update(files.sort().join('\n')).digest('hex').slice(0, 12);
      const source = readFileSync(new URL('./sw.template.js', import.meta.url), 'utf8')
        .replace('__VERSION__', version).replace('__SHELL__', JSON.stringify(shell));
      this.emitFile({ type: 'asset', fileName: 'sw.js', source });
    },
  };
}

export default defineConfig({
  base: '/app/',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: '../../api/static/app',
    emptyOutDir: true,
    target: 'es2020',
    assetsInlineLimit: 0,
    reportCompressedSize: true,
    // The chart chunk (ECharts, ~190 KB gzip) loads only with a chart; see docs/app.md.
    chunkSizeWarningLimit: 600,
  },
  plugins: [serviceWorker()],
});
