// The zxing-wasm fallback, in its own chunk; its .wasm is served by this app, not a CDN.
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';
import wasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url';

prepareZXingModule({
  overrides: { locateFile: (path, prefix) => (path.endsWith('.wasm') ? wasmUrl : prefix + path) },
});

export async function readQr(canvas, ctx) {
  const image = ctx.getImageData(0, 0, canvas.width, canvas.height);
  const found = await readBarcodes(image, { formats: ['QRCode'], tryHarder: true, maxNumberOfSymbols: 1 });
  return found.filter((b) => b.isValid).map((b) => b.text);
}
