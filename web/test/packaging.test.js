// SPDX-License-Identifier: MIT
// npm pack gives a package that a separate project installs from the tarball and uses: the
// decoder, the worker pool and kmqdec-js from Node, and the TypeScript types checked by tsc
// against a consumer written in TypeScript (as examples/ is for the CMake package).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { temporaryDir, VECTORS_DIR, WEB_DIR } from './helpers.js';

const npm = (args, cwd) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

test('npm pack: a separate project installs the tarball and decodes with it', { timeout: 300000 }, async (t) => {
  const dir = temporaryDir(t);
  const packed = JSON.parse(npm(['pack', '--json', '--pack-destination', dir, '--loglevel=error'], WEB_DIR));
  const files = packed[0].files.map((f) => f.path);
  for (const expected of ['package.json', 'src/index.js', 'src/worker.js', 'dist/index.js', 'dist/element.js',
                          'dist/worker.js', 'bin/kmqdec-js.js', 'types/index.d.ts', 'types/element.d.ts']) {
    assert.ok(files.includes(expected), `${expected} is not in the package`);
  }
  assert.ok(!files.some((f) => f.startsWith('test/') || f.startsWith('node_modules/')), 'tests or node_modules packed');
  const tarball = path.join(dir, packed[0].filename);

  const project = path.join(dir, 'consumer');
  execFileSync('mkdir', ['-p', project]);
  writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  npm(['install', tarball, '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], project);
  const vector = path.join(VECTORS_DIR, 'valid', 'm4_rgba_k5_transparent_2_strips.kmq');
  writeFileSync(path.join(project, 'use.mjs'), `
import { readFileSync } from 'node:fs';
import { decode, inspect, KmqError } from 'kmq-decoder';
import { createDecoderPool } from 'kmq-decoder/worker';
const bytes = readFileSync(${JSON.stringify(vector)});
const image = await decode(bytes);
const pool = createDecoderPool({ workers: 2 });
const pooled = await pool.decode(bytes);
await pool.terminate();
let category = 'none';
try { await decode(bytes.subarray(0, 20)); } catch (e) { category = e instanceof KmqError ? e.category : String(e); }
console.log(JSON.stringify({ width: image.width, height: image.height, channels: image.channels,
  same: Buffer.compare(Buffer.from(image.data), Buffer.from(pooled.data)) === 0,
  method: (await inspect(bytes)).labelCodingName, category }));
`);
  const used = JSON.parse(execFileSync(process.execPath, ['use.mjs'], { cwd: project, encoding: 'utf8' }));
  assert.deepEqual(used, { width: 12, height: 7, channels: 4, same: true, method: 'adaptive-copies', category: 'corrupt_file' });

  const out = path.join(project, 'out.pam');
  const cli = spawnSync(path.join(project, 'node_modules', '.bin', 'kmqdec-js'), [vector, out]);
  assert.equal(cli.status, 0, cli.stderr.toString());
  assert.ok(readFileSync(out).equals(readFileSync(vector.replace(/\.kmq$/, '.pam'))));

  // The types, as a TypeScript project sees them.
  writeFileSync(path.join(project, 'use.ts'), `
import { decode, decodeIndexed, inspect, KmqError, type DecodedImage } from 'kmq-decoder';
import { createDecoderPool, decodeInWorker } from 'kmq-decoder/worker';
import { KmqImageElement } from 'kmq-decoder/element';
export async function show(bytes: Uint8Array): Promise<number> {
  const image: DecodedImage = await decode(bytes, { maxPixels: 1 << 20 });
  const data: Uint8ClampedArray = image.data;
  const { labels, palette } = await decodeIndexed(bytes.buffer as ArrayBuffer);
  const info = await inspect(bytes);
  const icc: Uint8Array | null = info.iccProfile;
  const pool = createDecoderPool({ workers: 2 });
  const other = await pool.decode(bytes, { workers: 1 });
  await decodeInWorker(bytes);
  const element: KmqImageElement = document.createElement('kmq-image');
  element.alt = 'a picture';
  try { await decode(new Uint8Array(3)); } catch (e) { if (e instanceof KmqError && e.category === 'corrupt_file') return 0; }
  return data.length + labels.length + palette.length + (icc?.length ?? 0) + other.width + element.naturalWidth;
}
`);
  const tsc = spawnSync(process.execPath, [path.join(WEB_DIR, 'node_modules', 'typescript', 'bin', 'tsc'),
    '--noEmit', '--strict', '--module', 'node16', '--moduleResolution', 'node16', '--target', 'es2022',
    '--lib', 'es2022,dom', '--types', '', 'use.ts'], { cwd: project, encoding: 'utf8' });
  assert.equal(tsc.status, 0, tsc.stdout + tsc.stderr);
});
