// SPDX-License-Identifier: MIT
// Zstandard frames under the rules of format-spec/kmq.md §5.1: the frame header is read here
// (declared content size, dictionary, where the frame ends) so that every size is known and
// bounded before anything is allocated; the blocks are decompressed by libzstd itself, compiled
// to WebAssembly (the npm package `zstddec`), so that a damaged frame is refused exactly where
// the C++ decoder refuses it.
import { ZSTDDecoder } from 'zstddec';
import { corrupt, KmqError } from './errors.js';
import { u32le } from './bytes.js';

const FRAME_MAGIC = 0xfd2fb528;

/** @type {{ memory: WebAssembly.Memory, malloc: Function, free: Function,
 *           ZSTD_decompress: Function } | null} */
let wasm = null;
/** @type {Promise<void> | null} */
let ready = null;

// zstddec keeps its instance private; its _init hook hands it over, and calling the library's
// own ZSTD_decompress gives its error codes, which zstddec's decode() drops.
class KmqZstd extends ZSTDDecoder {
  _init(result) {
    ZSTDDecoder.prototype._init(result);
    wasm = /** @type {any} */ (result.instance.exports);
  }
}

/** @type {ZSTDDecoder | null} */
let shared = null;

/** Loads the WebAssembly decompressor once; every decode awaits it. */
export function zstdReady() {
  if (!ready) {
    const decoder = new KmqZstd();
    ready = decoder.init().then(() => {
      // Another user of zstddec in the same page loaded it first: its decode() then serves,
      // with the output size checked here.
      if (!wasm) shared = decoder;
    });
  }
  return ready;
}

/**
 * The frame's declared content size, after checking the header, the dictionary and that the
 * frame ends exactly at the end of `frame` (§5.1).
 * @param {Uint8Array} frame @param {string} where
 */
export function declaredFrameSize(frame, where) {
  const n = frame.length;
  if (n === 0) corrupt(`${where}: no zstd frame`);
  if (n < 5 || u32le(frame, 0) !== FRAME_MAGIC) corrupt(`${where}: not a valid zstd frame`);
  const descriptor = frame[4];
  const sizeFlag = descriptor >> 6;
  const singleSegment = (descriptor >> 5) & 1;
  const checksum = (descriptor >> 2) & 1;
  const dictionaryBytes = [0, 1, 2, 4][descriptor & 3];
  const sizeBytes = [singleSegment, 2, 4, 8][sizeFlag];
  const headerBytes = 5 + (singleSegment ? 0 : 1) + dictionaryBytes + sizeBytes;
  if (descriptor & 0x08 || n < headerBytes) corrupt(`${where}: not a valid zstd frame`);
  if (sizeBytes === 0) corrupt(`${where}: zstd frame does not declare its size`);
  let at = 5 + (singleSegment ? 0 : 1);
  let dictionary = 0;
  for (let i = 0; i < dictionaryBytes; i++) dictionary += frame[at + i] * 2 ** (8 * i);
  at += dictionaryBytes;
  let declared = 0;
  for (let i = 0; i < sizeBytes; i++) declared += frame[at + i] * 2 ** (8 * i);
  if (sizeBytes === 2) declared += 256;
  at += sizeBytes;
  if (dictionary !== 0) corrupt(`${where}: zstd frame needs a dictionary`);
  // The blocks, by their headers alone, to find where the frame ends.
  for (;;) {
    if (n - at < 3) corrupt(`${where}: damaged zstd frame: truncated block header`);
    const header = frame[at] | (frame[at + 1] << 8) | (frame[at + 2] << 16);
    const type = (header >> 1) & 3;
    const size = header >>> 3;
    if (type === 3) corrupt(`${where}: damaged zstd frame: reserved block type`);
    const stored = type === 1 ? 1 : size;
    if (n - at - 3 < stored) corrupt(`${where}: damaged zstd frame: block runs past the frame`);
    at += 3 + stored;
    if (header & 1) break;
  }
  if (checksum) {
    if (n - at < 4) corrupt(`${where}: damaged zstd frame: checksum cut short`);
    at += 4;
  }
  if (at !== n) corrupt(`${where}: extra bytes after the zstd frame`);
  return declared;
}

/**
 * Decompresses one checked frame that must hold exactly `expected` bytes.
 * @param {Uint8Array} frame @param {number} expected @param {string} where
 * @returns {Uint8Array}
 */
export function decompressFrame(frame, expected, where) {
  const declared = declaredFrameSize(frame, where);
  if (declared !== expected) {
    corrupt(`${where}: zstd frame declares ${declared} bytes; the header implies ${expected}`);
  }
  if (!wasm) {
    if (!shared) throw new KmqError('io', 'zstd: call and await zstdReady() first');
    const out = shared.decode(frame, Math.max(expected, 1));
    if (out.length !== expected) corrupt(`${where}: zstd: damaged frame`);
    return out;
  }
  const source = wasm.malloc(frame.length);
  const target = wasm.malloc(Math.max(expected, 1));
  try {
    if (!source || !target) throw new KmqError('io', `${where}: out of memory for zstd`);
    new Uint8Array(wasm.memory.buffer, source, frame.length).set(frame);
    const written = wasm.ZSTD_decompress(target, expected, source, frame.length) >>> 0;
    // libzstd's error codes are the last 120 values of size_t.
    if (written > 0xffffffff - 120) corrupt(`${where}: zstd: damaged frame`);
    if (written !== expected) corrupt(`${where}: zstd frame decompressed to the wrong size`);
    return new Uint8Array(wasm.memory.buffer, target, expected).slice();
  } finally {
    wasm.free(source);
    wasm.free(target);
  }
}
