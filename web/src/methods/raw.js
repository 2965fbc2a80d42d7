// SPDX-License-Identifier: MIT
// Method 0, zstd-raw (format-spec/kmq.md §5.1): one frame of the index map, then every index
// checked against K.
import { decompressFrame } from '../zstd.js';
import { corruptLabels } from './streams.js';

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Index bytes of a palette of K colours (§5). */
export function indexWidth(paletteSize) {
  return paletteSize <= 256 ? 1 : 2;
}

/** A typed array for `pixels` indices of K colours. */
export function newIndexMap(pixels, paletteSize) {
  return indexWidth(paletteSize) === 1 ? new Uint8Array(pixels) : new Uint16Array(pixels);
}

/** @param {Uint8Array | Uint16Array} labels @param {number} paletteSize */
export function checkIndexRange(labels, paletteSize) {
  if (paletteSize === 256 || paletteSize === 65536) return;
  let largest = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] > largest) largest = labels[i];
  if (largest >= paletteSize) corruptLabels(`index ${largest} is not below K = ${paletteSize}`);
}

/** @param {Uint8Array} data @param {number} pixels @param {number} paletteSize */
export function decodeZstdRaw(data, pixels, paletteSize) {
  const w = indexWidth(paletteSize);
  const raw = decompressFrame(data, pixels * w, 'label chunk');
  let labels;
  if (w === 1) {
    labels = raw;
  } else if (LITTLE_ENDIAN) {
    labels = new Uint16Array(raw.buffer, raw.byteOffset, pixels);
  } else {
    labels = new Uint16Array(pixels);
    for (let i = 0; i < pixels; i++) labels[i] = raw[2 * i] | (raw[2 * i + 1] << 8);
  }
  checkIndexRange(labels, paletteSize);
  return labels;
}
