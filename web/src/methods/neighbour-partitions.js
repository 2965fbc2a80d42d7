// SPDX-License-Identifier: MIT
// Methods 2 and 3, neighbour-partitions and partition-tiles (format-spec/kmq.md §5.3, §5.5):
// symbol streams chosen by the partition pattern of the four neighbours, packed three symbols
// to a byte; literals ranked by colour distance from W; method 3 cuts the image into column
// tiles that read their own shares of every stream.
import { ColourOrder } from './colour-order.js';
import { corruptLabels, decompressStreams, parseStreamTable, SYMBOLS_PER_BYTE, tileStart } from './streams.js';
import { equalityMask, neighboursAt, PATTERN_CONTEXT, PATTERN_COUNT, PATTERN_FIRST } from './neighbours.js';

const CONTEXTS = 15;
const STREAMS = 19;
const SENTINEL = 5; // after each share: no pixel accepts it, so a tile cannot read past its share

/** Digits of every byte below 125. */
const DIGITS = new Uint8Array(125 * 3);
for (let b = 0; b < 125; b++) {
  DIGITS[3 * b] = b % 5;
  DIGITS[3 * b + 1] = Math.floor(b / 5) % 5;
  DIGITS[3 * b + 2] = Math.floor(b / 25);
}

/** @returns {never} */
function badSymbol(symbol) {
  return corruptLabels(symbol === SENTINEL ? 'symbol stream ends too early' : `symbol ${symbol} names no candidate`);
}

/** @param {Uint8Array} packed @param {number} used symbols read from it */
function checkPackedStream(packed, used) {
  for (let i = 0; i < packed.length; i++) if (packed[i] >= 125) corruptLabels('packed symbol byte above 124');
  for (let d = used; d < SYMBOLS_PER_BYTE * packed.length; d++) {
    if (DIGITS[3 * packed[Math.floor(d / 3)] + (d % 3)] !== 0) {
      corruptLabels('padding after the last symbol of a stream is not zero');
    }
  }
}

/**
 * The label streams of methods 2 and 3, checked and decompressed, with every tile's share.
 * @param {Uint8Array} data @param {number} width @param {number} height @param {boolean} tiled
 */
export function preparePartitions(data, width, height, paletteSize, tiled) {
  const method = tiled ? 3 : 2;
  if (paletteSize > 256) corruptLabels(`method ${method} needs K <= 256`);
  const pixels = width * height;
  const least = Math.ceil(pixels / SYMBOLS_PER_BYTE);
  const table = parseStreamTable(data, {
    method, streams: STREAMS, symbolStreams: CONTEXTS, minSymbolBytes: least,
    maxSymbolBytes: least + CONTEXTS, literalUnit: 1, maxLiteralBytes: pixels,
  }, width, height);
  const tiles = tiled ? table.tiles : 1;
  const share = tiled ? table.shares.slice() : table.raw.map((r, s) => (s < CONTEXTS ? r * SYMBOLS_PER_BYTE : r));
  const shareStart = new Array(share.length).fill(0);
  for (let t = 1; t < tiles; t++) {
    for (let s = 0; s < STREAMS; s++) {
      const i = t * STREAMS + s;
      shareStart[i] = shareStart[i - STREAMS] + share[i - STREAMS];
    }
  }
  const streams = decompressStreams(table);
  for (let c = 0; c < CONTEXTS; c++) {
    const last = (tiles - 1) * STREAMS + c;
    checkPackedStream(streams[c], shareStart[last] + share[last]);
  }
  return { tiled, tiles, share, shareStart, streams };
}

/** One tile's scan (§5.3 over the tile's columns). A class, not closures, so that the
 * optimised code serves every tile. */
class TileScan {
  constructor(labels, width, first, columns, symbols, cursor, streams, literal, literalEnd, order) {
    this.labels = labels;
    this.width = width;
    this.first = first;
    this.columns = columns;
    this.symbols = symbols;
    this.cursor = cursor;
    this.streams = streams;
    this.literal = literal;
    this.literalEnd = literalEnd;
    this.order = order;
    this.near = new Int32Array(4);
    this.candidates = new Int32Array(4);
  }

  /** An unseen label: its place among the non-candidates of row W (§5.3 step 3). */
  unseen(w, count) {
    const l = count - 1;
    const K = this.order.size;
    if (this.literal[l] >= this.literalEnd[l]) corruptLabels('literal stream ends too early');
    const v = this.streams[CONTEXTS + l][this.literal[l]++];
    if (v + count >= K) corruptLabels(`literal ${v} is not below K - ${count} = ${K - count}`);
    return this.order.rankedLiteral(w, v, this.candidates, count);
  }

  /** Any pixel: the border rules, the pattern, the symbol. */
  pixel(x, y) {
    const near = this.near;
    neighboursAt(this.labels, this.first, this.width, this.columns, x, y, 0, near);
    const mask = equalityMask(near[0], near[1], near[2], near[3]);
    const count = PATTERN_COUNT[mask];
    const symbol = this.symbols[this.cursor[PATTERN_CONTEXT[mask]]++];
    if (symbol < count) return near[PATTERN_FIRST[mask * 4 + symbol]];
    if (symbol !== count) badSymbol(symbol);
    for (let g = 0; g < count; g++) this.candidates[g] = near[PATTERN_FIRST[mask * 4 + g]];
    return this.unseen(near[0], count);
  }

  run(height) {
    const { labels, width, first, columns, symbols, cursor, near, candidates } = this;
    for (let y = 0; y < height; y++) {
      const row = first + y * width;
      if (y === 0 || columns < 3) {
        for (let x = 0; x < columns; x++) labels[row + x] = this.pixel(x, y);
        continue;
      }
      // Inside the tile: W stays in a register, and the flat context (four equal neighbours,
      // most pixels) takes the short way.
      let w = this.pixel(0, y);
      labels[row] = w;
      let flat = cursor[0];
      const above = row - width;
      for (let x = 1; x + 1 < columns; x++) {
        const n = labels[above + x];
        const ne = labels[above + x + 1];
        const nw = labels[above + x - 1];
        if (w === n && n === ne && ne === nw) {
          const symbol = symbols[flat++];
          if (symbol !== 0) {
            if (symbol !== 1) badSymbol(symbol);
            candidates[0] = w;
            w = this.unseen(w, 1);
          }
        } else {
          const mask = equalityMask(w, n, ne, nw);
          const count = PATTERN_COUNT[mask];
          const symbol = symbols[cursor[PATTERN_CONTEXT[mask]]++];
          if (symbol < count) {
            const which = PATTERN_FIRST[mask * 4 + symbol];
            w = which === 0 ? w : which === 1 ? n : which === 2 ? ne : nw;
          } else {
            if (symbol !== count) badSymbol(symbol);
            near[0] = w; near[1] = n; near[2] = ne; near[3] = nw;
            for (let g = 0; g < count; g++) candidates[g] = near[PATTERN_FIRST[mask * 4 + g]];
            w = this.unseen(w, count);
          }
        }
        labels[row + x] = w;
      }
      cursor[0] = flat;
      labels[row + columns - 1] = this.pixel(columns - 1, y);
    }
  }
}

/**
 * Decodes tile `tile` of a prepared method 2 or 3 chunk into `labels` (the whole index map).
 * @param {ReturnType<typeof preparePartitions>} prepared
 * @param {Uint8Array} labels @param {number} width @param {number} height @param {ColourOrder} order
 */
export function decodePartitionTile(prepared, tile, labels, width, height, order) {
  const { tiled, tiles, share, shareStart, streams } = prepared;
  const K = order.size;
  const row0 = tile * STREAMS;
  // This tile's symbols, unpacked to one byte each, each share followed by the sentinel.
  let total = CONTEXTS;
  for (let c = 0; c < CONTEXTS; c++) total += share[row0 + c];
  const symbols = new Uint8Array(total);
  const cursor = new Int32Array(CONTEXTS);
  const sentinel = new Int32Array(CONTEXTS);
  let next = 0;
  for (let c = 0; c < CONTEXTS; c++) {
    const packed = streams[c];
    cursor[c] = next;
    const end = shareStart[row0 + c] + share[row0 + c];
    let d = shareStart[row0 + c];
    for (; d < end && d % 3 !== 0; d++) symbols[next++] = DIGITS[3 * packed[(d / 3) | 0] + (d % 3)];
    for (; d + 3 <= end; d += 3) {
      const at = 3 * packed[d / 3];
      symbols[next] = DIGITS[at];
      symbols[next + 1] = DIGITS[at + 1];
      symbols[next + 2] = DIGITS[at + 2];
      next += 3;
    }
    for (; d < end; d++) symbols[next++] = DIGITS[3 * packed[(d / 3) | 0] + (d % 3)];
    sentinel[c] = next;
    symbols[next++] = SENTINEL;
  }
  const literal = new Int32Array(4);
  const literalEnd = new Int32Array(4);
  for (let l = 0; l < 4; l++) {
    literal[l] = shareStart[row0 + CONTEXTS + l];
    literalEnd[l] = literal[l] + share[row0 + CONTEXTS + l];
  }
  const first = tileStart(tile, tiles, width);
  const columns = tileStart(tile + 1, tiles, width) - first;
  const tileDecoder = new TileScan(labels, width, first, columns, symbols, cursor, streams, literal, literalEnd, order);
  tileDecoder.run(height);
  for (let l = 0; l < 4; l++) {
    if (literal[l] !== literalEnd[l]) corruptLabels('a stream holds more data than the image uses');
  }
  for (let c = 0; c < CONTEXTS; c++) {
    if (tiled) {
      if (cursor[c] !== sentinel[c]) corruptLabels("a tile's share of a stream is not read to its end");
      continue;
    }
    const unread = sentinel[c] - cursor[c];
    if (unread >= SYMBOLS_PER_BYTE) corruptLabels('a stream holds more data than the image uses');
    for (let d = cursor[c]; d < sentinel[c]; d++) {
      if (symbols[d] !== 0) corruptLabels('padding after the last symbol of a stream is not zero');
    }
  }
}

/** Methods 2 and 3 on one thread. */
export function decodeNeighbourPartitions(data, width, height, palette, channels, paletteSize, tiled) {
  const prepared = preparePartitions(data, width, height, paletteSize, tiled);
  const labels = new Uint8Array(width * height);
  const order = ColourOrder.forImage(palette, channels, paletteSize, width * height);
  for (let t = 0; t < prepared.tiles; t++) decodePartitionTile(prepared, t, labels, width, height, order);
  return labels;
}
