// SPDX-License-Identifier: MIT
// Palette expansion: every index replaced by its entry, as RGBA (alpha 255 for RGB palettes),
// one 32-bit store per pixel.

/** The palette as one RGBA word per entry, in the platform's byte order. */
function rgbaTable(palette, channels, paletteSize) {
  const table = new Uint32Array(paletteSize);
  const bytes = new Uint8Array(table.buffer);
  for (let k = 0; k < paletteSize; k++) {
    bytes[4 * k] = palette[k * channels];
    bytes[4 * k + 1] = palette[k * channels + 1];
    bytes[4 * k + 2] = palette[k * channels + 2];
    bytes[4 * k + 3] = channels === 4 ? palette[k * channels + 3] : 255;
  }
  return table;
}

/**
 * Pixels [first, end) of the index map as RGBA bytes.
 * @param {Uint8Array | Uint16Array} labels @param {Uint8Array} palette
 * @param {number} channels @param {number} paletteSize
 */
export function expandToRgba(labels, palette, channels, paletteSize, first = 0, end = labels.length) {
  const out = new Uint8ClampedArray((end - first) * 4);
  const table = rgbaTable(palette, channels, paletteSize);
  const words = new Uint32Array(out.buffer);
  for (let i = first, o = 0; i < end; i++, o++) words[o] = table[labels[i]];
  return out;
}

/**
 * Columns [x0, x1) of every row as RGBA bytes, (x1 - x0) pixels per row: one tile of method 3.
 * @param {Uint8Array | Uint16Array} labels
 */
export function expandColumns(labels, width, height, x0, x1, palette, channels, paletteSize) {
  const columns = x1 - x0;
  const out = new Uint8ClampedArray(columns * height * 4);
  const table = rgbaTable(palette, channels, paletteSize);
  const words = new Uint32Array(out.buffer);
  for (let y = 0, o = 0; y < height; y++) {
    for (let i = y * width + x0, end = i + columns; i < end; i++, o++) words[o] = table[labels[i]];
  }
  return out;
}
