// SPDX-License-Identifier: MIT
// Decoding split across workers: method 3's column tiles and method 4's row strips decode
// independently (format-spec/kmq.md §5.5, §5.6), so each worker checks the container, decodes
// its share of them and expands them to RGBA; the caller puts the pieces in place.
import { readContainer } from './container.js';
import { decodeLabels } from './labels.js';
import { expandColumns, expandToRgba } from './expand.js';
import { decodePartitionTile, preparePartitions } from './methods/neighbour-partitions.js';
import { ColourOrder } from './methods/colour-order.js';
import { decodeStrip, parseStripTable, stripStart } from './methods/adaptive-copies.js';
import { tileStart } from './methods/streams.js';
import { newIndexMap } from './methods/raw.js';

/**
 * The number of independent parts of a label chunk's method data: method 3's tiles, method 4's
 * strips, else 1. Read, not checked: the decoder checks it.
 * @param {number} method @param {Uint8Array} data the method data (after the method byte)
 */
export function partsOfLabelData(method, data) {
  if (method === 3 && data.length >= 2 && data[1] >= 1) return data[1];
  if (method === 4 && data.length >= 1 && data[0] >= 1) return data[0];
  return 1;
}

/**
 * The image fields of every decode's result, with the ICC profile handed back.
 * @param {{ width: number, height: number, channels: number, paletteSize: number,
 *           labelCoding: number, metadata: any }} c
 */
export function headerFields(c) {
  const { width, height, channels, paletteSize, labelCoding, metadata } = c;
  return { width, height, channels, paletteSize, labelCoding, metadata, iccProfile: metadata.iccProfile ?? null };
}

/**
 * Decodes parts [first, end) of `parts` and returns the RGBA pieces, each with where it goes:
 * rows (method 4, and the whole image for one part) or columns (method 3's tiles).
 * @param {Uint8Array} bytes the whole file
 */
export function decodeParts(bytes, options, first, end) {
  const c = readContainer(bytes, options);
  const { width, height, palette, channels, paletteSize } = c;
  const pieces = [];
  const parts = partsOfLabelData(c.labelCoding, c.labelData);
  if (parts === 1 || (c.labelCoding !== 3 && c.labelCoding !== 4)) {
    const labels = decodeLabels(c);
    pieces.push({ kind: 'rows', y0: 0, y1: height, rgba: expandToRgba(labels, palette, channels, paletteSize) });
    return { container: c, pieces };
  }
  if (c.labelCoding === 3) {
    const prepared = preparePartitions(c.labelData, width, height, paletteSize, true);
    const labels = new Uint8Array(width * height);
    const order = ColourOrder.forImage(palette, channels, paletteSize, width * height);
    for (let t = first; t < end; t++) {
      decodePartitionTile(prepared, t, labels, width, height, order);
      const x0 = tileStart(t, parts, width);
      const x1 = tileStart(t + 1, parts, width);
      pieces.push({ kind: 'columns', x0, x1, rgba: expandColumns(labels, width, height, x0, x1, palette, channels, paletteSize) });
    }
  } else {
    const strips = parseStripTable(c.labelData, height);
    const labels = newIndexMap(width * height, paletteSize);
    for (let s = first; s < end; s++) {
      const y0 = stripStart(s, parts, height);
      const y1 = stripStart(s + 1, parts, height);
      decodeStrip(strips[s], labels, width, y0, y1, paletteSize);
      pieces.push({ kind: 'rows', y0, y1, rgba: expandToRgba(labels, palette, channels, paletteSize, y0 * width, y1 * width) });
    }
  }
  return { container: c, pieces };
}

/** Puts decoded pieces into one RGBA image of `width` × `height`. */
export function assemble(pieces, width, height) {
  if (pieces.length === 1 && pieces[0].kind === 'rows') return pieces[0].rgba;
  const into = new Uint8ClampedArray(width * height * 4);
  for (const piece of pieces) {
    if (piece.kind === 'rows') {
      into.set(piece.rgba, piece.y0 * width * 4);
      continue;
    }
    const rowBytes = (piece.x1 - piece.x0) * 4;
    for (let y = 0; y < height; y++) {
      into.set(piece.rgba.subarray(y * rowBytes, (y + 1) * rowBytes), (y * width + piece.x0) * 4);
    }
  }
  return into;
}
