// SPDX-License-Identifier: MIT
// The label chunk's method data to the index map, by method (format-spec/kmq.md §5), on one
// thread. The worker pool (worker-client.js) splits methods 3 and 4 by tile and strip instead.
import { unsupported } from './errors.js';
import { decodeZstdRaw } from './methods/raw.js';
import { decodeNeighbourContexts } from './methods/neighbour-contexts.js';
import { decodeNeighbourPartitions } from './methods/neighbour-partitions.js';
import { decodeAdaptiveCopies } from './methods/adaptive-copies.js';

/**
 * @param {import('./container.js').Container} c
 * @returns {Uint8Array | Uint16Array}
 */
export function decodeLabels(c) {
  const { width, height, paletteSize, labelData } = c;
  switch (c.labelCoding) {
    case 0:
      return decodeZstdRaw(labelData, width * height, paletteSize);
    case 1:
      return decodeNeighbourContexts(labelData, width, height, paletteSize);
    case 2:
    case 3:
      return decodeNeighbourPartitions(labelData, width, height, c.palette, c.channels, paletteSize, c.labelCoding === 3);
    case 4:
      return decodeAdaptiveCopies(labelData, width, height, paletteSize);
    default:
      return unsupported(`label coding method ${c.labelCoding} is not supported`);
  }
}
