// SPDX-License-Identifier: MIT
// Differential tests against the C++ decoder: images the test draws, encoded by kmqenc with every
// label coding method, K from 1 to 65536, RGB and RGBA, tiles and strips; kmqdec's PAM and this
// decoder's pixels must be the same bytes, on one thread and on the worker pool.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { decode, decodeIndexed } from '../src/index.js';
import { createDecoderPool } from '../src/worker-client.js';
import { packedSamples, readPam, temporaryDir, tool, toolsAvailable } from './helpers.js';
import { everyColour, glyphs, icon, photo, toPam } from './images.js';

const skip = toolsAvailable() ? false : 'kmqenc/kmqdec not built (set KMQ_TOOLS_DIR)';
const pool = createDecoderPool({ workers: 3 });
after(() => pool.terminate());

const IMAGES = {
  photo: photo(173, 91),
  glyphs: glyphs(240, 150),
  icon: icon(64, 48),
  every: everyColour(),
};

// [image, K, --label-coding, --tiles]
const CASES = [];
for (const coding of ['raw', 'contexts', 'partitions', 'tiles', 'copies', 'auto']) {
  for (const [image, k] of [['photo', 1], ['photo', 2], ['photo', 3], ['photo', 16], ['photo', 256],
                            ['glyphs', 4], ['glyphs', 64], ['icon', 5], ['icon', 16], ['icon', 256],
                            ['photo', 257], ['photo', 1000], ['icon', 300], ['every', 65536]]) {
    if ((coding === 'partitions' || coding === 'tiles') && k > 256) continue;
    const tiles = coding === 'tiles' ? [1, 3, 7] : coding === 'copies' ? [1, 4] : [0];
    for (const t of tiles) CASES.push([image, k, coding, t]);
  }
}

test('differential: every method, K 1..65536, RGB and RGBA, tiles and strips', { skip }, async (t) => {
  const dir = temporaryDir(t);
  for (const [name, image] of Object.entries(IMAGES)) writeFileSync(path.join(dir, `${name}.pam`), toPam(image));
  const methods = new Set();
  for (const [name, k, coding, tiles] of CASES) {
    const label = `${name} K=${k} ${coding}${tiles ? ` tiles=${tiles}` : ''}`;
    if (process.env.KMQ_TEST_TRACE) console.error(label);
    const kmq = path.join(dir, 'case.kmq');
    const pam = path.join(dir, 'case.pam');
    const args = [path.join(dir, `${name}.pam`), '-o', kmq, '-f', '-q', '-k', String(k), '--label-coding', coding];
    if (tiles) args.push('--tiles', String(tiles));
    const encoded = tool('kmqenc', args);
    assert.equal(encoded.status, 0, `${label}: ${encoded.stderr}`);
    const decoded = tool('kmqdec', [kmq, '-o', pam, '-f', '-q']);
    assert.equal(decoded.status, 0, `${label}: ${decoded.stderr}`);
    const file = readFileSync(kmq);
    const reference = readPam(readFileSync(pam));
    const image = await decode(file);
    methods.add(image.labelCoding);
    assert.equal(image.channels, IMAGES[name].channels, label);
    assert.ok(packedSamples(image).equals(Buffer.from(reference.data)), `${label}: pixels differ from kmqdec's`);
    const indexed = await decodeIndexed(file);
    assert.equal(indexed.labels.BYTES_PER_ELEMENT, indexed.paletteSize > 256 ? 2 : 1, label);
    const pooled = await pool.decode(file);
    assert.deepEqual(pooled.data, image.data, `${label}: the worker pool's pixels differ`);
  }
  assert.deepEqual([...methods].sort(), [0, 1, 2, 3, 4]);
});
