// SPDX-License-Identifier: MIT
// Method 1, neighbour-contexts (format-spec/kmq.md §5.2): 16 symbol streams chosen by four
// equalities among the neighbours, 4 literal streams of predicted differences.
import { indexWidth, newIndexMap } from './raw.js';
import { corruptLabels, decompressStreams, parseStreamTable } from './streams.js';
import { medianPrediction, neighboursAt } from './neighbours.js';

const SYMBOL_STREAMS = 16;

/** @param {Uint8Array} data @param {number} width @param {number} height @param {number} paletteSize */
export function decodeNeighbourContexts(data, width, height, paletteSize) {
  const pixels = width * height;
  const w = indexWidth(paletteSize);
  const table = parseStreamTable(data, {
    method: 1, streams: 20, symbolStreams: SYMBOL_STREAMS, minSymbolBytes: pixels,
    maxSymbolBytes: pixels, literalUnit: w, maxLiteralBytes: pixels * w,
  }, width, height);
  const streams = decompressStreams(table);
  const position = new Array(streams.length).fill(0);
  const labels = newIndexMap(pixels, paletteSize);
  const near = new Int32Array(4);
  const candidates = new Int32Array(4);
  const K = paletteSize;
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++, i++) {
      neighboursAt(labels, 0, width, width, x, y, 0, near);
      const [cw, cn, cne, cnw] = near;
      const context = (cw === cn ? 1 : 0) + (cn === cne ? 2 : 0) + (cw === cnw ? 4 : 0) + (cn === cnw ? 8 : 0);
      let count = 0;
      for (let k = 0; k < 4; k++) {
        let seen = false;
        for (let j = 0; j < count; j++) if (candidates[j] === near[k]) seen = true;
        if (!seen) candidates[count++] = near[k];
      }
      const stream = streams[context];
      if (position[context] >= stream.length) corruptLabels('symbol stream ends too early');
      const symbol = stream[position[context]++];
      if (symbol < count) {
        labels[i] = candidates[symbol];
      } else if (symbol === count) {
        const s = SYMBOL_STREAMS + count - 1;
        const literals = streams[s];
        if (position[s] + w > literals.length) corruptLabels('literal stream ends too early');
        let v = literals[position[s]++];
        if (w === 2) v |= literals[position[s]++] << 8;
        if (v >= K) corruptLabels(`literal ${v} is not below K = ${K}`);
        const p = medianPrediction(cw, cn, cnw) % K;
        const d = v % 2 === 0 ? v / 2 : K - (v + 1) / 2;
        labels[i] = (p + d) % K;
      } else {
        corruptLabels(`symbol ${symbol} names no candidate`);
      }
    }
  }
  for (let s = 0; s < streams.length; s++) {
    if (position[s] !== streams[s].length) corruptLabels('a stream holds more data than the image uses');
  }
  return labels;
}
