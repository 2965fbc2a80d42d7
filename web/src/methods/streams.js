// SPDX-License-Identifier: MIT
// The stream table of methods 1 to 3 (format-spec/kmq.md §5.2, §5.3, §5.5) and method 3's tile
// table, every check made before a frame is decompressed.
import { corrupt } from '../errors.js';
import { u32le } from '../bytes.js';
import { decompressFrame } from '../zstd.js';

export const SYMBOLS_PER_BYTE = 3;

/** @param {string} message @returns {never} */
export function corruptLabels(message) {
  return corrupt(`label chunk: ${message}`);
}

/** First column of tile `t` of `tiles` over `width` columns (§5.5). */
export function tileStart(t, tiles, width) {
  return Math.floor((t * width) / tiles);
}

/**
 * @param {Uint8Array} data method data
 * @param {{ method: number, streams: number, symbolStreams: number, minSymbolBytes: number,
 *           maxSymbolBytes: number, literalUnit: number, maxLiteralBytes: number }} layout
 * @param {number} width @param {number} height
 */
export function parseStreamTable(data, layout, width, height) {
  const count = layout.streams;
  if (data.length === 0 || data[0] !== count) {
    corruptLabels(`method ${layout.method} needs exactly ${count} streams`);
  }
  const tiled = layout.method === 3;
  let tiles = 0;
  if (tiled) {
    if (data.length < 2 || data[1] === 0) corruptLabels('method 3 needs at least one tile');
    tiles = data[1];
    if (tiles > width) corruptLabels('more tiles than columns');
  }
  const offset = tiled ? 2 : 1;
  const shareBytes = 4 * count * tiles;
  if (data.length - offset < 8 * count + shareBytes) corruptLabels('stream table is cut short');
  const compressed = new Array(count);
  const raw = new Array(count);
  let compressedTotal = 0, symbolTotal = 0, literalTotal = 0;
  for (let s = 0; s < count; s++) {
    compressed[s] = u32le(data, offset + 8 * s);
    raw[s] = u32le(data, offset + 8 * s + 4);
    compressedTotal += compressed[s];
    if (s < layout.symbolStreams) symbolTotal += raw[s];
    else literalTotal += raw[s];
    if ((raw[s] === 0) !== (compressed[s] === 0)) corruptLabels('an empty stream must have an empty frame');
    if (s >= layout.symbolStreams && raw[s] % layout.literalUnit !== 0) {
      corruptLabels('literal stream size is not whole indices');
    }
  }
  const framesAt = offset + 8 * count + shareBytes;
  if (compressedTotal !== data.length - framesAt) corruptLabels('stream sizes do not add up to the chunk');
  if (symbolTotal < layout.minSymbolBytes || symbolTotal > layout.maxSymbolBytes) {
    corruptLabels('symbol streams do not hold one symbol per pixel');
  }
  if (literalTotal > layout.maxLiteralBytes) corruptLabels('literal streams are too large');
  /** @type {number[]} */
  const shares = [];
  if (tiled) {
    const total = new Array(count).fill(0);
    const sharesAt = offset + 8 * count;
    for (let t = 0; t < tiles; t++) {
      let symbols = 0;
      for (let s = 0; s < count; s++) {
        const share = u32le(data, sharesAt + 4 * (t * count + s));
        shares.push(share);
        total[s] += share;
        if (s < layout.symbolStreams) symbols += share;
      }
      const columns = tileStart(t + 1, tiles, width) - tileStart(t, tiles, width);
      if (symbols !== columns * height) corruptLabels("a tile's symbols do not match its pixels");
    }
    for (let s = 0; s < count; s++) {
      const bytes = s < layout.symbolStreams ? Math.ceil(total[s] / SYMBOLS_PER_BYTE) : total[s];
      if (bytes !== raw[s]) corruptLabels('the tile table does not match the stream table');
    }
  }
  return { compressed, raw, tiles, shares, frames: data.subarray(framesAt) };
}

/**
 * Every stream of a checked table, decompressed in stream order (empty ones stay empty).
 * @param {{ compressed: number[], raw: number[], frames: Uint8Array }} table
 * @returns {Uint8Array[]}
 */
export function decompressStreams(table) {
  const out = [];
  let at = 0;
  for (let s = 0; s < table.raw.length; s++) {
    const frame = table.frames.subarray(at, at + table.compressed[s]);
    at += table.compressed[s];
    out.push(table.raw[s] === 0 ? new Uint8Array(0) : decompressFrame(frame, table.raw[s], 'label chunk'));
  }
  return out;
}
