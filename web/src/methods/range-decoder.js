// SPDX-License-Identifier: MIT
// The adaptive binary range decoder of format-spec/kmq.md §5.6.1, with its gamma and tree
// values. A model state is a probability (Uint16Array `p`) and an update count (Uint8Array `n`)
// at one index of a state block.
import { corruptLabels } from './streams.js';

/** Adaptation shift for each update count: min(floor(log2(n + 2)), 5). */
const RATE = new Uint8Array(31);
for (let n = 0; n <= 30; n++) RATE[n] = Math.min(Math.floor(Math.log2(n + 2)), 5);

/** Gamma set layout: P0..P31, then M[k][j] for k = 1..31, j = 0..3. */
export const GAMMA_STATES = 32 + 31 * 4;

/** A block of `count` fresh states (16384, 0). */
export class States {
  constructor(count) {
    this.p = new Uint16Array(count).fill(16384);
    this.n = new Uint8Array(count);
  }
}

export class RangeDecoder {
  /** @param {Uint8Array} bytes one stream @param {string} name for messages */
  constructor(bytes, name) {
    this.bytes = bytes;
    this.name = name;
    if (bytes.length < 5 || bytes[0] !== 0) corruptLabels(`${name} stream does not start with 0`);
    const code = ((bytes[1] << 24) | (bytes[2] << 16) | (bytes[3] << 8) | bytes[4]) >>> 0;
    if (code === 0xffffffff) corruptLabels(`${name} stream's start value is 0xFFFFFFFF`);
    this.code = code;
    this.range = 0xffffffff;
    this.at = 5;
  }

  /** @returns {never} */
  pastEnd() {
    return corruptLabels(`${this.name} stream read past its end`);
  }

  /** The split step of every decision: the bit below or above `bound`, then renormalisation. */
  split(bound) {
    let bit;
    if (this.code < bound) {
      this.range = bound;
      bit = 0;
    } else {
      this.code -= bound;
      this.range -= bound;
      bit = 1;
    }
    while (this.range < 0x1000000) {
      if (this.at >= this.bytes.length) this.pastEnd();
      this.range *= 256;
      this.code = this.code * 256 + this.bytes[this.at++];
    }
    return bit;
  }

  /** One adaptive decision. @param {States} s @param {number} i */
  bit(s, i) {
    const p = s.p[i];
    const bit = this.split((this.range >>> 15) * p);
    const n = s.n[i];
    const r = RATE[n];
    s.p[i] = bit ? p - (p >> r) : p + ((32768 - p) >> r);
    if (n < 30) s.n[i] = n + 1;
    return bit;
  }

  /** A decision with the state (16384, 0) that does not adapt. */
  evenBit() {
    return this.split((this.range >>> 15) * 16384);
  }

  /** A gamma value of the set at `base` of `s`. */
  gamma(s, base) {
    let k = 0;
    while (this.bit(s, base + k)) {
      if (++k === 32) corruptLabels(`${this.name} stream holds a gamma prefix of 32`);
    }
    let x = 1;
    for (let j = 0; j < k; j++) {
      const b = j < 4 ? this.bit(s, base + 32 + (k - 1) * 4 + j) : this.evenBit();
      x = 2 * x + b;
    }
    return x - 1;
  }

  /** A tree value of `bits` bits; its states T1.. are at base + 1 .. base + 2^bits - 1. */
  tree(s, base, bits) {
    let t = 1;
    for (let b = 0; b < bits; b++) t = 2 * t + this.bit(s, base + t);
    return t - (1 << bits);
  }

  /** §5.6.1's end: every byte read, and no more. */
  finish() {
    if (this.at !== this.bytes.length) corruptLabels(`${this.name} stream has bytes left after its last value`);
  }
}
