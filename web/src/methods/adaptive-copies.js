// SPDX-License-Identifier: MIT
// Method 4, adaptive-copies (format-spec/kmq.md §5.6): row strips, each with a copy stream of
// rectangles copied from earlier in the strip and a pixel stream of runs and context-coded
// labels, every decision by the adaptive range decoder.
import { u32le } from '../bytes.js';
import { GAMMA_STATES, RangeDecoder, States } from './range-decoder.js';
import { corruptLabels } from './streams.js';
import { equalityMask, PATTERN_CONTEXT, PATTERN_COUNT, PATTERN_FIRST } from './neighbours.js';
import { newIndexMap } from './raw.js';

const MAX_OFFSETS = 8;
// Copy stream: gamma sets, then decisions.
const G_COUNT = 0, G_DX = 1, G_DY = 2, G_X = 3, G_OY = 4, G_OX = 5, G_W = 6, G_H = 7;
const D_ROW = 0, D_OFFSET = 1, D_HEIGHT = 1 + MAX_OFFSETS;
const LITERAL_SETS = 8;

/** First row of strip `s` of `strips` over `height` rows (§5.6). */
export function stripStart(s, strips, height) {
  return Math.floor((s * height) / strips);
}

/**
 * ((w + 2^16 n + 2^32 ne + 2^48 nw) × 0x9E3779B97F4A7C15 mod 2^64) >> 48, in 32-bit halves.
 * @param {number} w @param {number} n @param {number} ne @param {number} nw
 */
export function predictionKey(w, n, ne, nw) {
  const lo = (w | (n << 16)) >>> 0;
  const hi = (ne | (nw << 16)) >>> 0;
  // High 32 bits of lo × 0x7F4A7C15, from 16-bit halves (each product exact in a double).
  const a0 = lo & 0xffff, a1 = lo >>> 16;
  const b0 = 0x7c15, b1 = 0x7f4a;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  const carry = p11 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16);
  const upper = (carry + Math.imul(lo, 0x9e3779b9) + Math.imul(hi, 0x7f4a7c15)) >>> 0;
  return upper >>> 16;
}

/**
 * The strip table, checked before anything is decoded: where each strip's two streams are.
 * @param {Uint8Array} data @param {number} height
 */
export function parseStripTable(data, height) {
  if (data.length === 0) corruptLabels('method 4 data is empty');
  const strips = data[0];
  if (strips === 0) corruptLabels('method 4 needs at least one strip');
  if (strips > height) corruptLabels('more strips than rows');
  if (data.length - 1 < 8 * strips) corruptLabels('strip table cut short');
  let total = 0;
  for (let s = 0; s < 2 * strips; s++) {
    const size = u32le(data, 1 + 4 * s);
    if (size < 5) corruptLabels("a strip's stream is shorter than 5 bytes");
    total += size;
  }
  const streamsAt = 1 + 8 * strips;
  if (total !== data.length - streamsAt) corruptLabels("strip streams do not add up to the chunk's size");
  const result = [];
  let at = streamsAt;
  for (let s = 0; s < strips; s++) {
    const copySize = u32le(data, 1 + 8 * s);
    const pixelSize = u32le(data, 5 + 8 * s);
    result.push({ copies: data.subarray(at, at + copySize), pixels: data.subarray(at + copySize, at + copySize + pixelSize) });
    at += copySize + pixelSize;
  }
  return result;
}

/**
 * Decodes strip `s` into `labels` (the whole index map).
 * @param {{ copies: Uint8Array, pixels: Uint8Array }} streams
 * @param {Uint8Array | Uint16Array} labels
 */
export function decodeStrip(streams, labels, width, y0, y1, paletteSize) {
  const K = paletteSize;
  const stripPixels = width * (y1 - y0);
  // The copy stream, read one copy ahead of the scan.
  const copyCoder = new RangeDecoder(streams.copies, 'copy');
  const copyGammas = new States(8 * GAMMA_STATES);
  const copyBits = new States(2 + MAX_OFFSETS);
  const copyCount = copyCoder.gamma(copyGammas, G_COUNT * GAMMA_STATES);
  if (copyCount > stripPixels) corruptLabels(`${copyCount} copies in a strip of ${stripPixels} pixels`);
  let copiesRead = 0;
  let prevX = 0, prevY = y0, prevW = 0, prevH = 1;
  const offsetX = new Float64Array(MAX_OFFSETS + 1);
  const offsetY = new Float64Array(MAX_OFFSETS + 1);
  let offsets = 0;
  // Per column: the row below the last copy over it, and that copy's offset.
  const columnEnd = new Int32Array(width).fill(y0);
  const columnOx = new Int32Array(width);
  const columnOy = new Int32Array(width);
  let coverEnd = y0;
  let pendingY = -1, pendingX = 0, pendingW = 0, pendingH = 0, pendingOx = 0, pendingOy = 0;
  const readCopy = () => {
    if (copiesRead === copyCount) {
      pendingY = -1;
      return;
    }
    copiesRead++;
    let x, y;
    if (copyCoder.bit(copyBits, D_ROW)) {
      y = prevY;
      x = prevX + prevW + copyCoder.gamma(copyGammas, G_DX * GAMMA_STATES);
    } else {
      y = prevY + 1 + copyCoder.gamma(copyGammas, G_DY * GAMMA_STATES);
      x = copyCoder.gamma(copyGammas, G_X * GAMMA_STATES);
    }
    let chosen = -1;
    for (let m = 0; m < offsets; m++) {
      if (copyCoder.bit(copyBits, D_OFFSET + m)) {
        chosen = m;
        break;
      }
    }
    let ox, oy;
    if (chosen >= 0) {
      ox = offsetX[chosen];
      oy = offsetY[chosen];
    } else {
      oy = copyCoder.gamma(copyGammas, G_OY * GAMMA_STATES);
      const z = copyCoder.gamma(copyGammas, G_OX * GAMMA_STATES);
      ox = z % 2 === 0 ? z / 2 : -(z + 1) / 2;
      chosen = Math.min(offsets, MAX_OFFSETS);
      offsets = chosen + (offsets < MAX_OFFSETS ? 1 : 0);
    }
    for (let m = chosen; m > 0; m--) {
      offsetX[m] = offsetX[m - 1];
      offsetY[m] = offsetY[m - 1];
    }
    offsetX[0] = ox;
    offsetY[0] = oy;
    const w = 1 + copyCoder.gamma(copyGammas, G_W * GAMMA_STATES);
    const h = copyCoder.bit(copyBits, D_HEIGHT) ? prevH : 1 + copyCoder.gamma(copyGammas, G_H * GAMMA_STATES);
    if (x + w > width || y + h > y1) corruptLabels(`copy at (${x}, ${y}) reaches outside its strip`);
    if (x - ox < 0 || x - ox + w > width || y - oy < y0) corruptLabels(`copy at (${x}, ${y}) has a source outside its strip`);
    if (!(oy > 0 || (oy === 0 && ox > 0))) corruptLabels(`copy at (${x}, ${y}) has a source that does not come before it`);
    for (let c = x; c < x + w; c++) {
      if (columnEnd[c] > y) corruptLabels(`copy at (${x}, ${y}) overlaps an earlier copy`);
    }
    prevX = x; prevY = y; prevW = w; prevH = h;
    pendingX = x; pendingY = y; pendingW = w; pendingH = h; pendingOx = ox; pendingOy = oy;
  };
  readCopy();

  // The pixel stream's states.
  const coder = new RangeDecoder(streams.pixels, 'pixel');
  const runToLimit = new States(32);
  const runAsAbove = new States(8);
  const runShorter = new States(8);
  const runLength = new States(4 * GAMMA_STATES);
  const symbol = new States(7200);
  const afterRun = new States(120);
  const wide = K > 256;
  let literalBits = 0;
  while (!wide && 1 << literalBits < K) literalBits++;
  const literal = new States(wide ? 1 : LITERAL_SETS << literalBits);
  const wideLiteral = new States(wide ? LITERAL_SETS * GAMMA_STATES : 1);
  const prediction = new Int32Array(65536).fill(-1);
  const nextCovered = new Int32Array(width + 1);
  const runAbove = new Int32Array(width + 1);
  const spanEnd = new Int32Array(width + 1);
  const cand = new Int32Array(5);
  const near = new Int32Array(4);

  for (let y = y0; y < y1; y++) {
    while (pendingY === y) {
      for (let c = pendingX; c < pendingX + pendingW; c++) {
        columnEnd[c] = y + pendingH;
        columnOx[c] = pendingOx;
        columnOy[c] = pendingOy;
      }
      if (y + pendingH > coverEnd) coverEnd = y + pendingH;
      readCopy();
    }
    const covered = y < coverEnd;
    if (covered) {
      // Per column: the next covered column, and where a covered column's span of one offset
      // ends.
      nextCovered[width] = width;
      spanEnd[width] = width;
      for (let c = width - 1; c >= 0; c--) {
        if (columnEnd[c] > y) {
          nextCovered[c] = c;
          const same = c + 1 < width && columnEnd[c + 1] > y && columnOx[c + 1] === columnOx[c] && columnOy[c + 1] === columnOy[c];
          spanEnd[c] = same ? spanEnd[c + 1] : c + 1;
        } else {
          nextCovered[c] = nextCovered[c + 1];
        }
      }
    }
    const rowStart = y * width;
    const firstRow = y === y0;
    let runAboveReady = false;
    let q = 0;
    let x = 0;
    while (x < width) {
      const i = rowStart + x;
      if (covered && columnEnd[x] > y) {
        // A copy's span: a memory copy, unless its source overlaps it on this row, where
        // labels are read as they are written.
        const end = spanEnd[x];
        const ox = columnOx[x], oy = columnOy[x];
        const source = i - oy * width - ox;
        if (oy > 0 || ox >= end - x) {
          labels.copyWithin(i, source, source + end - x);
        } else {
          for (let k = 0; k < end - x; k++) labels[i + k] = labels[source + k];
        }
        q = 0;
        x = end;
        continue;
      }
      let isBreak = false;
      for (;;) {
        // Neighbours of (x, y) inside the strip (§5.2 with the strip as the image).
        const here = rowStart + x;
        let w, n, ne, nw;
        if (firstRow) {
          w = x > 0 ? labels[here - 1] : 0;
          n = ne = nw = w;
        } else {
          n = labels[here - width];
          ne = x + 1 < width ? labels[here - width + 1] : n;
          if (x > 0) {
            w = labels[here - 1];
            nw = labels[here - width - 1];
          } else {
            w = nw = n;
          }
        }
        const mask = equalityMask(w, n, ne, nw);
        const context = PATTERN_CONTEXT[mask];
        const qq = q < 3 ? q : 3;
        if (context === 0 && !isBreak) {
          // A run of W (§5.6.3).
          const limit = (covered ? nextCovered[x] : width) - x;
          let ahead = 0;
          if (!firstRow) {
            // Counted directly when short; long ones from a table of the row above, made once
            // per row when first needed, so that no row costs more than a pass over it.
            const above = here - width;
            while (ahead < limit && ahead < 32 && labels[above + ahead] === w) ahead++;
            if (ahead === 32 && ahead < limit) {
              if (!runAboveReady) {
                const first = rowStart - width;
                runAbove[width - 1] = 1;
                for (let c = width - 2; c >= 0; c--) {
                  runAbove[c] = labels[first + c] === labels[first + c + 1] ? runAbove[c + 1] + 1 : 1;
                }
                runAboveReady = true;
              }
              ahead = runAbove[x] < limit ? runAbove[x] : limit;
            }
          }
          const full = ahead === limit ? 1 : 0;
          if (coder.bit(runToLimit, full + (limit > 16 ? 2 : 0) + (firstRow ? 4 : 0) + 8 * qq)) {
            labels.fill(w, here, here + limit);
            x += limit;
            q = 0;
            break;
          }
          let r = -1;
          const none = ahead === 0 ? 4 : 0;
          if (ahead < limit && coder.bit(runAsAbove, qq + none)) r = ahead;
          if (r < 0) {
            const shorter = full ? 1 : ahead === 0 ? 0 : coder.bit(runShorter, qq + none);
            const m = coder.gamma(runLength, (2 * shorter + full) * GAMMA_STATES);
            r = shorter ? ahead - 1 - m : ahead + 1 + m;
            if (r < 0 || r >= limit) corruptLabels(`run of ${r} pixels at (${x}, ${y}) is not below its limit ${limit}`);
          }
          if (r > 0) labels.fill(w, here, here + r);
          x += r;
          isBreak = true;
          if (r > 0) continue; // the break pixel has neighbours of its own
        }
        // A coded pixel (§5.6.3).
        const count = PATTERN_COUNT[mask];
        near[0] = w; near[1] = n; near[2] = ne; near[3] = nw;
        for (let g = 0; g < count; g++) cand[g] = near[PATTERN_FIRST[mask * 4 + g]];
        const key = predictionKey(w, n, ne, nw);
        const p = prediction[key];
        let extra = 0;
        if (p >= 0) {
          extra = 1;
          for (let g = 0; g < count; g++) if (cand[g] === p) extra = 0;
          if (extra) cand[count] = p;
        }
        const C = count + extra;
        const hintless = p < 0 || extra === 1;
        const ww = x >= 2 ? labels[here - 2] : w;
        const nn = y - 2 >= y0 ? labels[here - 2 * width] : n;
        const nearBits = (ww === w ? 1 : 0) + (nn === n ? 2 : 0);
        let label = -1;
        let sym = C;
        for (let g = isBreak ? 1 : 0; g < C; g++) {
          const hint = hintless ? 0 : p === cand[g] ? 1 : 2;
          const hit = isBreak
            ? coder.bit(afterRun, ((g * 2 + extra) * 4 + nearBits) * 3 + hint)
            : coder.bit(symbol, ((((context * 5 + g) * 2 + extra) * 16 + nearBits + 4 * qq) * 3) + hint);
          if (hit) {
            label = cand[g];
            sym = g;
            break;
          }
        }
        if (label < 0) {
          const set = (count - 1) * 2 + extra;
          if (wide) {
            const d = coder.gamma(wideLiteral, set * GAMMA_STATES);
            if (d >= K) corruptLabels(`literal ${d} at (${x}, ${y}) is not below K = ${K}`);
            label = d % 2 === 0 ? (w + d / 2) % K : (w + K - (d + 1) / 2) % K;
          } else {
            label = coder.tree(literal, set << literalBits, literalBits);
            if (label >= K) corruptLabels(`literal ${label} at (${x}, ${y}) is not below K = ${K}`);
          }
        }
        prediction[key] = label;
        labels[here] = label;
        q = sym;
        x++;
        break;
      }
    }
  }
  if (copiesRead !== copyCount) corruptLabels('a strip ends before all its copies were read');
  copyCoder.finish();
  coder.finish();
}

/** Method 4 on one thread. */
export function decodeAdaptiveCopies(data, width, height, paletteSize) {
  const strips = parseStripTable(data, height);
  const labels = newIndexMap(width * height, paletteSize);
  for (let s = 0; s < strips.length; s++) {
    decodeStrip(strips[s], labels, width, stripStart(s, strips.length, height), stripStart(s + 1, strips.length, height), paletteSize);
  }
  return labels;
}
