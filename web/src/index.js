// SPDX-License-Identifier: MIT
// kmq-decoder: .kmq palette images (format-spec/kmq.md) decoded in JavaScript, for browsers
// and Node. Every input is treated as hostile: sizes are checked before anything is allocated,
// and every MUST-reject rule of the format throws a KmqError with the format's category.
import { asBytes } from './bytes.js';
import { readContainer, METHOD_NAMES, DEFAULT_MAX_PIXELS } from './container.js';
import { decodeLabels } from './labels.js';
import { expandToRgba } from './expand.js';
import { headerFields } from './parts.js';
import { zstdReady } from './zstd.js';

import { withMemory } from './errors.js';

export { KmqError } from './errors.js';
export { DEFAULT_MAX_PIXELS, METHOD_NAMES };

/** @param {import('./container.js').Container} c */
function describeSize(c) {
  return `a ${c.width}x${c.height} image`;
}

/** @param {import('./container.js').Container} c @param {number} fileSize */
function describe(c, fileSize) {
  return {
    ...headerFields(c),
    labelCodingName: METHOD_NAMES[c.labelCoding],
    palette: c.palette.slice(),
    chunks: c.chunks,
    fileSize,
    bitsPerPixel: (8 * fileSize) / (c.width * c.height),
  };
}

/**
 * The header, palette, metadata and chunk list of a .kmq file, with the whole container checked
 * (§9.1 steps 1 to 3); the labels are not decoded.
 * @param {Uint8Array | ArrayBuffer} input @param {import('../types/index').DecodeOptions} [options]
 */
export async function inspect(input, options = {}) {
  await zstdReady();
  const bytes = asBytes(input);
  return describe(readContainer(bytes, options), bytes.length);
}

/**
 * The palette and the index map (Uint8Array for K <= 256, else Uint16Array), fully checked.
 * @param {Uint8Array | ArrayBuffer} input @param {import('../types/index').DecodeOptions} [options]
 */
export async function decodeIndexed(input, options = {}) {
  await zstdReady();
  const bytes = asBytes(input);
  const container = readContainer(bytes, options);
  const labels = withMemory(() => decodeLabels(container), describeSize(container));
  return { ...describe(container, bytes.length), labels };
}

/**
 * The pixels as RGBA bytes (Uint8ClampedArray, ready for ImageData), fully checked.
 * @param {Uint8Array | ArrayBuffer} input @param {import('../types/index').DecodeOptions} [options]
 */
export async function decode(input, options = {}) {
  await zstdReady();
  const bytes = asBytes(input);
  const container = readContainer(bytes, options);
  const what = describeSize(container);
  const labels = withMemory(() => decodeLabels(container), what);
  const data = withMemory(() => expandToRgba(labels, container.palette, container.channels, container.paletteSize), what);
  return { ...headerFields(container), data };
}
