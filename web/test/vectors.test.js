// SPDX-License-Identifier: MIT
// Every vector of format-spec/vectors: valid files decode to their PAM's exact pixels and carry
// the metadata of their .meta; invalid ones are refused with the category expected.txt gives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { decode, decodeIndexed, inspect, KmqError } from '../src/index.js';
import { packedSamples, readPam, readVector, VECTORS_DIR } from './helpers.js';

const valid = readdirSync(path.join(VECTORS_DIR, 'valid')).filter((f) => f.endsWith('.kmq')).sort();
const expected = readFileSync(path.join(VECTORS_DIR, 'invalid', 'expected.txt'), 'utf8')
  .trim().split('\n').map((line) => line.split(' '));

const hex = (bytes) => (bytes.length ? Buffer.from(bytes).toString('hex') : '-');
const text = (s) => hex(Buffer.from(s, 'utf8'));

/** The metadata in the vectors' .meta notation (format-spec/vectors/README.md). */
function metaLines(m) {
  const lines = [];
  if (m.srgbIntent !== undefined) lines.push(`srgb ${m.srgbIntent}`);
  if (m.gamma !== undefined) lines.push(`gama ${m.gamma}`);
  if (m.chromaticities) {
    const c = m.chromaticities;
    lines.push(`chrm ${[c.whiteX, c.whiteY, c.redX, c.redY, c.greenX, c.greenY, c.blueX, c.blueY].join(' ')}`);
  }
  if (m.density) lines.push(`phys ${m.density.x} ${m.density.y} ${m.density.unit}`);
  if (m.iccProfile) lines.push(`iccp ${text(m.iccProfileName)} ${hex(m.iccProfile)}`);
  if (m.exif) lines.push(`exif ${hex(m.exif)}`);
  if (m.xmp !== undefined) lines.push(`xmpp ${text(m.xmp)}`);
  for (const e of m.text) lines.push(`text ${text(e.keyword)} ${text(e.language)} ${text(e.translatedKeyword)} ${text(e.text)}`);
  return lines;
}

test('the vector set is complete', () => {
  assert.ok(valid.length >= 26, `${valid.length} valid vectors`);
  assert.ok(expected.length >= 64, `${expected.length} invalid vectors`);
  for (const method of [0, 1, 2, 3, 4]) {
    assert.ok(valid.some((f) => f.startsWith(`m${method}_`) || (method === 0 && f.startsWith('rgb_'))), `method ${method}`);
  }
});

for (const name of valid) {
  test(`valid ${name}`, async () => {
    const file = readVector('valid', name);
    const pam = readPam(readVector('valid', name.replace(/\.kmq$/, '.pam')));
    const image = await decode(file);
    assert.equal(image.width, pam.width);
    assert.equal(image.height, pam.height);
    assert.equal(image.channels, pam.depth);
    assert.equal(image.data.length, image.width * image.height * 4);
    assert.ok(packedSamples(image).equals(Buffer.from(pam.data)), 'pixels differ from the PAM');
    const indexed = await decodeIndexed(file);
    assert.equal(indexed.labels.length, image.width * image.height);
    for (let i = 0; i < indexed.labels.length; i++) assert.ok(indexed.labels[i] < indexed.paletteSize);
    const metaFile = path.join(VECTORS_DIR, 'valid', name.replace(/\.kmq$/, '.meta'));
    const info = await inspect(file);
    if (existsSync(metaFile)) {
      assert.deepEqual(metaLines(info.metadata), readFileSync(metaFile, 'utf8').trim().split('\n'));
      assert.deepEqual(image.iccProfile, info.metadata.iccProfile ?? null);
    } else {
      assert.deepEqual(metaLines(info.metadata), []);
    }
  });
}

for (const [name, category] of expected) {
  test(`invalid ${name} is refused as ${category}`, async () => {
    const file = readVector('invalid', `${name}.kmq`);
    await assert.rejects(decode(file), (error) => {
      assert.ok(error instanceof KmqError, String(error));
      assert.equal(error.category, category, error.message);
      assert.ok(error.message.length > 10);
      return true;
    });
  });
}

test('maxPixels refuses an image before decoding it', async () => {
  const file = readVector('valid', 'm4_rgb_k5_copies_3_strips.kmq');
  await assert.rejects(decode(file, { maxPixels: 96 * 60 - 1 }), (e) => e.category === 'limit_exceeded');
  const image = await decode(file, { maxPixels: 96 * 60 });
  assert.equal(image.width, 96);
});

test('inputs of every byte container type decode alike', async () => {
  const file = readVector('valid', 'm2_rgb_k6_gradient.kmq');
  const a = await decode(file);
  const b = await decode(file.buffer.slice(file.byteOffset, file.byteOffset + file.length));
  assert.deepEqual(a.data, b.data);
  await assert.rejects(decode('not bytes'), TypeError);
});
