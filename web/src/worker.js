// SPDX-License-Identifier: MIT
// The decoding worker: a module Web Worker in browsers, a worker thread in Node. Each message
// asks for parts [first, end) of one file; the answer carries the RGBA pieces (transferred,
// not copied) or the error's category and message.
import { decodeParts } from './parts.js';
import { zstdReady } from './zstd.js';
import { KmqError } from './errors.js';

async function handle(message) {
  const { id, bytes, options, first, end } = message;
  try {
    await zstdReady();
    const { container, pieces } = decodeParts(bytes, options ?? {}, first, end);
    const { width, height, channels, paletteSize, labelCoding, metadata } = container;
    const header = { width, height, channels, paletteSize, labelCoding, metadata };
    if (message.bitmaps && typeof OffscreenCanvas !== 'undefined') {
      // Drawn here, on this worker's core: the page only places the bitmaps.
      const drawn = pieces.map((p) => {
        const x = p.kind === 'columns' ? p.x0 : 0;
        const y = p.kind === 'columns' ? 0 : p.y0;
        const w = p.kind === 'columns' ? p.x1 - p.x0 : width;
        const h = p.kind === 'columns' ? height : p.y1 - p.y0;
        const canvas = new OffscreenCanvas(w, h);
        canvas.getContext('2d').putImageData(new ImageData(p.rgba, w, h), 0, 0);
        return { x, y, bitmap: canvas.transferToImageBitmap() };
      });
      return { reply: { id, header, drawn }, transfer: drawn.map((d) => d.bitmap) };
    }
    return { reply: { id, header, pieces }, transfer: pieces.map((p) => p.rgba.buffer) };
  } catch (e) {
    // The engine's refusal to allocate is a limit, as in the page's own decode.
    const category = e instanceof KmqError ? e.category : e instanceof RangeError ? 'limit_exceeded' : 'io';
    return { reply: { id, error: { category, message: String(e?.message ?? e) } }, transfer: [] };
  }
}

if (typeof WorkerGlobalScope !== 'undefined' && globalThis instanceof WorkerGlobalScope) {
  globalThis.addEventListener('message', async (event) => {
    const { reply, transfer } = await handle(event.data);
    globalThis.postMessage(reply, transfer);
  });
} else {
  const { parentPort } = await import('node:worker_threads');
  parentPort?.on('message', async (message) => {
    const { reply, transfer } = await handle(message);
    parentPort.postMessage(reply, transfer);
  });
}
