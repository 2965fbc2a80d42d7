// SPDX-License-Identifier: MIT
// Bundles the browser build into dist/: the decoder, the worker pool, the worker and the
// <kmq-image> element as ES modules sharing their common code (zstd included, so a page needs
// no import map and a worker no bare module specifiers). Prints each file's gzipped size.
import { build } from 'esbuild';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: { index: 'src/index.js', 'worker-client': 'src/worker-client.js', worker: 'src/worker.js', element: 'src/element.js' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  outdir: 'dist',
  external: ['node:*'],
  logLevel: 'warning',
});
// One classic script for kmqcompare's self-contained HTML report: the decoder as a global,
// KmqDecoder, with no module loading (the page has no URL of its own to load modules from).
await build({
  entryPoints: ['src/index.js'],
  bundle: true,
  format: 'iife',
  globalName: 'KmqDecoder',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  outfile: 'dist/report/kmq-report-decoder.js',
  external: ['node:*'],
  logLevel: 'warning',
});
let total = 0;
for (const file of readdirSync('dist').filter((f) => f.endsWith('.js')).sort()) {
  const gz = gzipSync(readFileSync(`dist/${file}`), { level: 9 }).length;
  total += gz;
  console.error(`dist/${file}: ${gz} bytes gzipped`);
}
console.error(`total shipped: ${total} bytes gzipped`);
const report = gzipSync(readFileSync('dist/report/kmq-report-decoder.js'), { level: 9 }).length;
console.error(`dist/report/kmq-report-decoder.js (for kmqcompare's report): ${report} bytes gzipped`);
