// Camera scanning: the browser's BarcodeDetector where it exists, else zxing-wasm, which is
// fetched only now (it is not part of the first load). Without a camera the user types the code.
let decoderPromise;

async function decoder() {
  if ('BarcodeDetector' in window) {
    const formats = await window.BarcodeDetector.getSupportedFormats?.() ?? ['qr_code'];
    if (formats.includes('qr_code')) {
      const det = new window.BarcodeDetector({ formats: ['qr_code'] });
      return { kind: 'native', read: async (canvas) => (await det.detect(canvas)).map((b) => b.rawValue) };
    }
  }
  const { readQr } = await import('./zxing.js');
  return { kind: 'zxing', read: readQr };
}

/** Start the camera in `video`; call `onText` with each decoded text. Answers a stop function. */
export async function startScan(video, onText) {
  decoderPromise ??= decoder();
  const stream = await navigator.mediaDevices.getUserMedia({
    video: { facingMode: 'environment', width: { ideal: 1280 } }, audio: false,
  });
  video.srcObject = stream;
  video.setAttribute('playsinline', '');
  await video.play();
  const dec = await decoderPromise;
  video.dataset.decoder = dec.kind;
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  let stopped = false;
  const tick = async () => {
    if (stopped) return;
    if (video.videoWidth) {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      ctx.drawImage(video, 0, 0);
      try {
        const texts = await dec.read(canvas, ctx);
        if (!stopped && texts.length) onText(texts[0]);
      } catch { /* an unreadable frame: try the next */ }
    }
    setTimeout(tick, 150);
  };
  tick();
  return () => { stopped = true; stream.getTracks().forEach((tr) => tr.stop()); video.srcObject = null; };
}
