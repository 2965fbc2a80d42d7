// SPDX-License-Identifier: MIT
// The colour order of format-spec/kmq.md §5.3: row r lists every palette index by its squared
// distance from entry r, ties by the smaller index. Rows are sorted when first needed.

export class ColourOrder {
  /** @param {Uint8Array} palette @param {number} channels @param {number} paletteSize */
  constructor(palette, channels, paletteSize) {
    this.palette = palette;
    this.channels = channels;
    this.size = paletteSize;
    /** @type {(Uint16Array | undefined)[]} */
    this.rows = new Array(paletteSize);
  }

  /** @param {number} r @returns {Uint16Array} */
  row(r) {
    let row = this.rows[r];
    if (row) return row;
    const { palette, channels, size } = this;
    // Distance × 65536 + index sorts by distance, then index, as one number.
    const keys = new Float64Array(size);
    for (let j = 0; j < size; j++) {
      let d = 0;
      for (let c = 0; c < channels; c++) {
        const e = palette[r * channels + c] - palette[j * channels + c];
        d += e * e;
      }
      keys[j] = d * 65536 + j;
    }
    keys.sort();
    row = new Uint16Array(size);
    for (let j = 0; j < size; j++) row[j] = keys[j] % 65536;
    this.rows[r] = row;
    return row;
  }

  /**
   * The entry at position `v` of row `w` once the `count` candidates are removed from it.
   * @param {number} w @param {number} v @param {Int32Array} candidates @param {number} count
   */
  rankedLiteral(w, v, candidates, count) {
    const row = this.row(w);
    for (let j = 0; ; j++) {
      const label = row[j];
      let candidate = false;
      for (let g = 0; g < count; g++) if (candidates[g] === label) candidate = true;
      if (candidate) continue;
      if (v === 0) return label;
      v--;
    }
  }
}
