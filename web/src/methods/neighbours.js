// SPDX-License-Identifier: MIT
// The neighbourhood of format-spec/kmq.md §5.2 and §5.3: W, N, NE, NW with their border rules,
// the partition pattern of the four labels (context, group count, which neighbour names each
// group) and method 1's context and prediction.

/** Neighbour positions in the order W, N, NE, NW. */
export const W = 0, N = 1, NE = 2, NW = 3;

// Six equalities, one bit each: W=N, W=NE, N=NE, W=NW, N=NW, NE=NW.
/** @param {number} w @param {number} n @param {number} ne @param {number} nw */
export function equalityMask(w, n, ne, nw) {
  return (w === n ? 1 : 0) | (w === ne ? 2 : 0) | (n === ne ? 4 : 0) |
         (w === nw ? 8 : 0) | (n === nw ? 16 : 0) | (ne === nw ? 32 : 0);
}

const PATTERN_STRINGS = ['0000', '0001', '0010', '0011', '0012', '0100', '0101', '0102', '0110',
                         '0111', '0112', '0120', '0121', '0122', '0123'];

/**
 * For every equality mask: the §5.3 context (0..14), the group count, and for each group the
 * neighbour (W, N, NE or NW) that first holds it. -1 for masks no four labels give.
 */
export const PATTERN_CONTEXT = new Int8Array(64).fill(-1);
export const PATTERN_COUNT = new Uint8Array(64);
export const PATTERN_FIRST = new Uint8Array(64 * 4);
for (let code = 0; code < 256; code++) {
  const labels = [code & 3, (code >> 2) & 3, (code >> 4) & 3, code >> 6];
  const groups = [];
  const first = [];
  for (let i = 0; i < 4; i++) {
    const earlier = labels.findIndex((l, j) => j < i && l === labels[i]);
    if (earlier >= 0) {
      groups.push(groups[earlier]);
    } else {
      groups.push(first.length);
      first.push(i);
    }
  }
  const mask = equalityMask(labels[0], labels[1], labels[2], labels[3]);
  PATTERN_CONTEXT[mask] = PATTERN_STRINGS.indexOf(groups.join(''));
  PATTERN_COUNT[mask] = first.length;
  for (let g = 0; g < first.length; g++) PATTERN_FIRST[mask * 4 + g] = first[g];
}

/**
 * Fills `into` (length 4) with W, N, NE, NW of pixel (x, y) of a region `columns` wide and
 * stored `stride` apart from `base` in `labels`, with the border rules of §5.2 (the region's
 * own first row and columns are its borders). `top` is the region's first row.
 * @param {Uint8Array | Uint16Array} labels
 */
export function neighboursAt(labels, base, stride, columns, x, y, top, into) {
  const here = base + y * stride + x;
  if (y === top) {
    const w = x > 0 ? labels[here - 1] : 0;
    into[0] = into[1] = into[2] = into[3] = w;
    return;
  }
  const n = labels[here - stride];
  into[1] = n;
  into[2] = x + 1 < columns ? labels[here - stride + 1] : n;
  if (x > 0) {
    into[0] = labels[here - 1];
    into[3] = labels[here - stride - 1];
  } else {
    into[0] = into[3] = n;
  }
}

/** Method 1's median edge prediction (§5.2). */
export function medianPrediction(w, n, nw) {
  const lo = w < n ? w : n;
  const hi = w < n ? n : w;
  if (nw >= hi) return lo;
  if (nw <= lo) return hi;
  return w + n - nw;
}
