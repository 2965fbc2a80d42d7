// SPDX-License-Identifier: MIT
// The colour order of format-spec/kmq.md §5.3: row r lists every palette index by its squared
// distance from entry r, ties by the smaller index. Rows are sorted when first needed, or all
// at once for images large enough to meet most of them.

export class ColourOrder {
  /** @param {Uint8Array} palette @param {number} channels @param {number} paletteSize */
  constructor(palette, channels, paletteSize) {
    this.palette = palette;
    this.channels = channels;
    this.size = paletteSize;
    /** Row r at [r × K, (r + 1) × K): the indices in order. */
    this.order = new Uint16Array(paletteSize * paletteSize);
    /** Where each index stands in each row: places[r × K + j]. */
    this.places = new Uint16Array(paletteSize * paletteSize);
    this.sorted = new Uint8Array(paletteSize);
    this.keys = new Float64Array(paletteSize);
  }

  /** Sorts row r (once). */
  sortRow(r) {
    const { palette, channels, size, keys } = this;
    // Distance × 65536 + index sorts by distance, then index, as one number.
    for (let j = 0; j < size; j++) {
      let d = 0;
      for (let c = 0; c < channels; c++) {
        const e = palette[r * channels + c] - palette[j * channels + c];
        d += e * e;
      }
      keys[j] = d * 65536 + j;
    }
    keys.sort();
    const base = r * size;
    for (let j = 0; j < size; j++) {
      const index = keys[j] % 65536;
      this.order[base + j] = index;
      this.places[base + index] = j;
    }
    this.sorted[r] = 1;
  }

  /**
   * The order for an image of `pixels` pixels: large images meet most rows, so they are sorted
   * up front, in one go; small ones sort the rows they meet.
   */
  static forImage(palette, channels, paletteSize, pixels) {
    const order = new ColourOrder(palette, channels, paletteSize);
    if (pixels >= 4096 * paletteSize) order.sortAll();
    return order;
  }

  sortAll() {
    for (let r = 0; r < this.size; r++) if (!this.sorted[r]) this.sortRow(r);
  }

  /**
   * The entry at position `v` of row `w` once the `count` candidates are removed from it.
   * @param {number} w @param {number} v @param {Int32Array} candidates @param {number} count
   */
  rankedLiteral(w, v, candidates, count) {
    if (!this.sorted[w]) this.sortRow(w);
    const base = w * this.size;
    const places = this.places;
    if (count === 1) return this.order[base + v + (places[base + w] <= v ? 1 : 0)];
    // The candidates' places in the row, sorted by a network (absent ones beyond every
    // place); each at or before the answer moves it on.
    let a = places[base + candidates[0]];
    let b = places[base + candidates[1]];
    let c = count > 2 ? places[base + candidates[2]] : 65536;
    let d = count > 3 ? places[base + candidates[3]] : 65536;
    let t;
    if (a > b) { t = a; a = b; b = t; }
    if (c > d) { t = c; c = d; d = t; }
    if (a > c) { t = a; a = c; c = t; }
    if (b > d) { t = b; b = d; d = t; }
    if (b > c) { t = b; b = c; c = t; }
    let p = v;
    if (a <= p) p++;
    if (b <= p) p++;
    if (c <= p) p++;
    if (d <= p) p++;
    return this.order[base + p];
  }
}
