// SPDX-License-Identifier: MIT
// Decoding off the caller's thread: a pool of workers (Web Workers in browsers, worker threads
// in Node). A file of method 3 or 4 is split by tile or strip across every worker; any other
// file decodes on one.
import { KmqError } from './errors.js';
import { asBytes } from './bytes.js';
import { assemble, headerFields, partsOfLabelData } from './parts.js';

const WORKER_URL = new URL('./worker.js', import.meta.url);
const IS_NODE = typeof process !== 'undefined' && !!process.versions?.node && typeof window === 'undefined';

function defaultWorkers() {
  if (typeof navigator !== 'undefined' && navigator.hardwareConcurrency) return navigator.hardwareConcurrency;
  return 2;
}

/** The part count, read from the LABL chunk without checking anything: the workers check. */
function peekParts(bytes) {
  let at = 8;
  for (let chunks = 0; chunks < 1024 && at + 12 <= bytes.length; chunks++) {
    const length = (bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24)) >>> 0;
    const type = String.fromCharCode(bytes[at + 4], bytes[at + 5], bytes[at + 6], bytes[at + 7]);
    if (type === 'LABL' && length >= 1 && at + 8 + length <= bytes.length) {
      return partsOfLabelData(bytes[at + 8], bytes.subarray(at + 9, at + 8 + length));
    }
    at += 12 + length;
  }
  return 1;
}

async function spawn() {
  if (IS_NODE) {
    const { Worker } = await import('node:worker_threads');
    const worker = new Worker(WORKER_URL);
    return {
      post: (message, transfer) => worker.postMessage(message, transfer),
      listen: (handler) => worker.on('message', handler),
      fail: (handler) => worker.on('error', handler),
      terminate: () => worker.terminate(),
      unref: () => worker.unref(),
      ref: () => worker.ref(),
    };
  }
  const worker = new Worker(WORKER_URL, { type: 'module' });
  return {
    post: (message, transfer) => worker.postMessage(message, transfer),
    listen: (handler) => worker.addEventListener('message', (event) => handler(event.data)),
    fail: (handler) => worker.addEventListener('error', (event) => handler(new Error(event.message))),
    terminate: () => worker.terminate(),
    unref: () => {},
    ref: () => {},
  };
}

/**
 * A pool of decoding workers.
 * @param {{ workers?: number }} [options]
 */
export function createDecoderPool(options = {}) {
  const size = Math.max(1, Math.min(options.workers ?? defaultWorkers(), 16));
  /** @type {Promise<any>[]} */
  const workers = [];
  const waiting = new Map();
  let nextId = 1;
  let busy = 0;

  const worker = (i) => {
    if (!workers[i]) {
      workers[i] = spawn().then((w) => {
        w.listen((reply) => {
          const pending = waiting.get(reply.id);
          if (!pending) return;
          waiting.delete(reply.id);
          pending(reply);
        });
        w.fail((error) => {
          for (const [id, pending] of waiting) {
            waiting.delete(id);
            pending({ id, error: { category: 'io', message: `decoder worker failed: ${error.message}` } });
          }
        });
        w.unref();
        return w;
      });
    }
    return workers[i];
  };

  const ask = async (i, message, transfer) => {
    const w = await worker(i);
    return new Promise((resolve) => {
      waiting.set(message.id, (reply) => {
        if (--busy === 0) for (const p of workers) p.then((x) => x.unref());
        resolve(reply);
      });
      if (busy++ === 0) for (const p of workers) p.then((x) => x.ref());
      try {
        w.post(message, transfer);
      } catch (error) {
        waiting.get(message.id)?.({ id: message.id, error: { category: 'io', message: String(error) } });
        waiting.delete(message.id);
      }
    });
  };

  // Sends each worker its share of the parts; every reply, or the first error.
  const run = async (input, decodeOptions, bitmaps) => {
    const bytes = asBytes(input);
    const { workers: wanted, ...rest } = decodeOptions;
    const parts = peekParts(bytes);
    const used = Math.max(1, Math.min(parts, wanted ?? size, size));
    const replies = await Promise.all(
      Array.from({ length: used }, (_, j) => {
        const first = Math.floor((j * parts) / used);
        const end = Math.floor(((j + 1) * parts) / used);
        // A copy of its own for each worker, whose buffer moves there (a Node Buffer's slice()
        // would share, and detach, the caller's).
        const copy = new Uint8Array(bytes);
        return ask(j, { id: nextId++, bytes: copy, options: rest, first, end, bitmaps }, [copy.buffer]);
      }),
    );
    const failed = replies.find((r) => r.error);
    if (failed) throw new KmqError(failed.error.category, failed.error.message);
    return replies;
  };

  return {
    size,
    /**
     * Decodes a file to RGBA on the pool.
     * @param {Uint8Array | ArrayBuffer} input
     * @param {import('../types/index').DecodeOptions & { workers?: number }} [decodeOptions]
     */
    async decode(input, decodeOptions = {}) {
      const replies = await run(input, decodeOptions, false);
      const { header } = replies[0];
      const data = assemble(replies.flatMap((r) => r.pieces), header.width, header.height);
      return { ...headerFields(header), data };
    },
    /**
     * Decodes a file and draws it into a canvas (resized to the image): in browsers the workers
     * draw their tiles or strips into bitmaps, so the page's thread only places them.
     * @param {Uint8Array | ArrayBuffer} input @param {HTMLCanvasElement | OffscreenCanvas} canvas
     */
    async decodeToCanvas(input, canvas, decodeOptions = {}) {
      const bitmaps = typeof OffscreenCanvas !== 'undefined';
      const replies = await run(input, decodeOptions, bitmaps);
      const header = replies[0].header;
      canvas.width = header.width;
      canvas.height = header.height;
      const context = canvas.getContext('2d');
      if (bitmaps && replies[0].drawn) {
        for (const reply of replies) {
          for (const { x, y, bitmap } of reply.drawn) {
            context.drawImage(bitmap, x, y);
            bitmap.close();
          }
        }
      } else {
        const data = assemble(replies.flatMap((r) => r.pieces), header.width, header.height);
        context.putImageData(new ImageData(data, header.width, header.height), 0, 0);
      }
      return headerFields(header);
    },
    /** Stops every worker; pending decodes fail. */
    async terminate() {
      const all = await Promise.all(workers);
      workers.length = 0;
      await Promise.all(all.map((w) => w.terminate()));
    },
  };
}

/** @type {ReturnType<typeof createDecoderPool> | null} */
let sharedPool = null;

/** The shared pool of as many workers as the machine has cores. */
export function sharedDecoderPool() {
  sharedPool ??= createDecoderPool();
  return sharedPool;
}

/**
 * Decodes on a shared pool of as many workers as the machine has cores.
 * @param {Uint8Array | ArrayBuffer} input
 * @param {import('../types/index').DecodeOptions & { workers?: number }} [options]
 */
export function decodeInWorker(input, options) {
  return sharedDecoderPool().decode(input, options);
}
