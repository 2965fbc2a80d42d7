// SPDX-License-Identifier: MIT
// Little-endian readers and the CRC-32 of format-spec/kmq.md §2.2.

/** @param {Uint8Array} b @param {number} at */
export function u32le(b, at) {
  return (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
}

/** @param {Uint8Array} b @param {number} at */
export function u32be(b, at) {
  return ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256 * 4);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  // Slicing by four: four bytes per step, the label chunk is most of a file.
  for (let n = 0; n < 256; n++) {
    let c = table[n];
    for (let s = 1; s < 4; s++) {
      c = table[c & 0xff] ^ (c >>> 8);
      table[s * 256 + n] = c >>> 0;
    }
  }
  return table;
})();

/**
 * CRC-32 (reflected 0xEDB88320, initial and final XOR 0xFFFFFFFF) of bytes[start, end).
 * @param {Uint8Array} bytes @param {number} start @param {number} end
 */
export function crc32(bytes, start, end) {
  const t = CRC_TABLE;
  let c = 0xffffffff;
  let i = start;
  for (; i + 4 <= end; i += 4) {
    c ^= bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    c =
      t[768 + (c & 0xff)] ^ t[512 + ((c >>> 8) & 0xff)] ^ t[256 + ((c >>> 16) & 0xff)] ^ t[c >>> 24];
  }
  for (; i < end; i++) c = t[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** @param {Uint8Array | ArrayBuffer | ArrayBufferView} input @returns {Uint8Array} */
export function asBytes(input) {
  if (input instanceof Uint8Array) return input;
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (ArrayBuffer.isView(input)) {
    return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  }
  throw new TypeError('kmq: expected a Uint8Array, an ArrayBuffer or a typed array view');
}
