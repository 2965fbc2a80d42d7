// SPDX-License-Identifier: MIT
// kmqdec-js: the PAM it writes, its exit codes and messages, and that a failure leaves nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { temporaryDir, VECTORS_DIR, WEB_DIR } from './helpers.js';

const BIN = path.join(WEB_DIR, 'bin', 'kmqdec-js.js');
const run = (...args) => {
  const r = spawnSync(process.execPath, [BIN, ...args]);
  return { status: r.status, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
};

test('kmqdec-js writes the PAM of the vectors byte for byte', (t) => {
  const dir = temporaryDir(t);
  for (const name of ['m4_rgba_k5_transparent_2_strips', 'm3_rgb_k256_literals_5_tiles', 'rgb_k300_two_byte_indices']) {
    const out = path.join(dir, `${name}.pam`);
    const r = run(path.join(VECTORS_DIR, 'valid', `${name}.kmq`), out);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.ok(readFileSync(out).equals(readFileSync(path.join(VECTORS_DIR, 'valid', `${name}.pam`))), name);
  }
});

test('kmqdec-js: bad input exits 1 with the category and writes nothing', (t) => {
  const dir = temporaryDir(t);
  const out = path.join(dir, 'out.pam');
  const r = run(path.join(VECTORS_DIR, 'invalid', 'm4_copies_overlap.kmq'), out);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^kmqdec-js: error: corrupt_file: label chunk: .+\n$/);
  assert.ok(!existsSync(out));
  assert.deepEqual(readdirSync(dir), []);
  const limit = run(path.join(VECTORS_DIR, 'invalid', 'over_default_pixel_limit.kmq'), out);
  assert.equal(limit.status, 1);
  assert.match(limit.stderr, /^kmqdec-js: error: limit_exceeded: /);
});

test('kmqdec-js: an existing output is replaced only on success; the input is never overwritten', (t) => {
  const dir = temporaryDir(t);
  const out = path.join(dir, 'out.pam');
  writeFileSync(out, 'keep');
  assert.equal(run(path.join(VECTORS_DIR, 'invalid', 'm4_copies_overlap.kmq'), out).status, 1);
  assert.equal(readFileSync(out, 'utf8'), 'keep');
  const input = path.join(dir, 'in.kmq');
  writeFileSync(input, readFileSync(path.join(VECTORS_DIR, 'valid', 'm2_rgb_k6_gradient.kmq')));
  const same = run(input, input);
  assert.equal(same.status, 1);
  assert.match(same.stderr, /^kmqdec-js: error: io: refusing to overwrite the input/);
  const missing = run(path.join(dir, 'missing.kmq'), out);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /^kmqdec-js: error: io: cannot read/);
  assert.equal(run(input, path.join(dir, 'no-such-dir', 'x.pam')).status, 1);
});

test('kmqdec-js: usage errors exit 2; --help exits 0', () => {
  assert.equal(run().status, 2);
  assert.equal(run('a').status, 2);
  const help = run('--help');
  assert.equal(help.status, 0);
  assert.match(help.stdout, /usage: kmqdec-js IN.kmq OUT.pam/);
});
