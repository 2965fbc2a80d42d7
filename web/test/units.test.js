// SPDX-License-Identifier: MIT
// The pieces with arithmetic easy to get wrong: CRC-32, method 4's prediction key (64-bit
// arithmetic done in 32-bit halves), the partition patterns and the zstd frame walker.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32 } from '../src/bytes.js';
import { predictionKey } from '../src/methods/adaptive-copies.js';
import { equalityMask, PATTERN_CONTEXT, PATTERN_COUNT } from '../src/methods/neighbours.js';
import { declaredFrameSize } from '../src/zstd.js';
import { KmqError } from '../src/errors.js';

test('CRC-32 of "123456789" is 0xCBF43926 at every alignment', () => {
  const text = new TextEncoder().encode('xx123456789');
  for (let start = 0; start <= 2; start++) {
    const bytes = new Uint8Array(text.length - 2 + start);
    bytes.set(text.subarray(2), start);
    assert.equal(crc32(bytes, start, bytes.length), 0xcbf43926);
  }
});

test('the prediction key matches 64-bit arithmetic', () => {
  const reference = (w, n, ne, nw) => Number(
    (((BigInt(w) | (BigInt(n) << 16n) | (BigInt(ne) << 32n) | (BigInt(nw) << 48n)) * 0x9e3779b97f4a7c15n) &
      0xffffffffffffffffn) >> 48n);
  let seed = 12345;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) & 0xffff;
  for (let i = 0; i < 20000; i++) {
    const v = [next(), next(), next(), next()].map((x, j) => (i % 3 === 0 ? x & 0xff : x) >> (j === 3 && i % 5 === 0 ? 8 : 0));
    assert.equal(predictionKey(...v), reference(...v), v.join(','));
  }
  assert.equal(predictionKey(65535, 65535, 65535, 65535), reference(65535, 65535, 65535, 65535));
});

test('partition patterns follow the table of §5.3', () => {
  const cases = [
    [[1, 1, 1, 1], 0, 1], [[1, 1, 1, 2], 1, 2], [[1, 1, 2, 1], 2, 2], [[1, 1, 2, 2], 3, 2],
    [[1, 1, 2, 3], 4, 3], [[1, 2, 1, 1], 5, 2], [[1, 2, 1, 2], 6, 2], [[1, 2, 1, 3], 7, 3],
    [[1, 2, 2, 1], 8, 2], [[1, 2, 2, 2], 9, 2], [[1, 2, 2, 3], 10, 3], [[1, 2, 3, 1], 11, 3],
    [[1, 2, 3, 2], 12, 3], [[1, 2, 3, 3], 13, 3], [[1, 2, 3, 4], 14, 4],
  ];
  for (const [labels, context, count] of cases) {
    const mask = equalityMask(...labels);
    assert.equal(PATTERN_CONTEXT[mask], context, labels.join(''));
    assert.equal(PATTERN_COUNT[mask], count, labels.join(''));
  }
});

test('zstd frames: declared size, dictionary, extent', () => {
  // A single-segment frame of 3 bytes in one raw block: magic, descriptor, size, block.
  const frame = Uint8Array.from([0x28, 0xb5, 0x2f, 0xfd, 0x20, 3, 0x19, 0, 0, 7, 8, 9]);
  assert.equal(declaredFrameSize(frame, 'test'), 3);
  const corruptAs = (bytes, pattern) => assert.throws(() => declaredFrameSize(Uint8Array.from(bytes), 'test'),
    (e) => e instanceof KmqError && e.category === 'corrupt_file' && pattern.test(e.message));
  corruptAs([...frame, 0], /extra bytes/);
  corruptAs(frame.subarray(0, 11), /runs past/);
  corruptAs([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x58, 1, 0, 0], /does not declare/);
  corruptAs([0x28, 0xb5, 0x2f, 0xfd, 0x21, 5, 3, 1, 0, 0], /dictionary/);
  corruptAs([0x50, 0x2a, 0x4d, 0x18, 0, 0, 0, 0], /not a valid zstd frame/);
  corruptAs([], /no zstd frame/);
});

test('an allocation the engine refuses becomes a limit_exceeded KmqError', async () => {
  const { withMemory } = await import('../src/errors.js');
  assert.throws(() => withMemory(() => new ArrayBuffer(2 ** 53), 'a 1x1 image'),
    (e) => e instanceof KmqError && e.category === 'limit_exceeded' && /a 1x1 image: not enough memory/.test(e.message));
  assert.throws(() => withMemory(() => { throw new TypeError('other'); }, 'x'), TypeError);
  assert.equal(withMemory(() => 7, 'x'), 7);
});
