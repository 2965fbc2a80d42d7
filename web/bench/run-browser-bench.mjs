#!/usr/bin/env node
// SPDX-License-Identifier: MIT
// The browser decode benchmark (not a test): encodes images with kmqenc at K = 256 (default
// effort) and as the PNG8 of the same pixels (kmqenc --format png), serves them to
// bench/decode.html in headless Chromium and prints, per image, the median time to decode and
// draw the PNG (createImageBitmap on a Blob) and the .kmq on one worker and on every core.
//   node bench/run-browser-bench.mjs [IMAGE...]   (default: the 4 MP corpus photos and graphics)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { serve } from '../test/server.js';
import { REPO_DIR, TOOLS_DIR } from '../test/helpers.js';

const corpus = path.resolve(REPO_DIR, '..', 'shared', 'corpus');
const images = process.argv.slice(2).length ? process.argv.slice(2) :
  ['eveningglow_2560x1600.jpg', 'path_2560x1600.jpg', 'chart_lines_bars.png', 'doc_libspng.png'].map((f) => path.join(corpus, f));
const colours = process.env.KMQ_BENCH_COLORS ?? '256';
const dir = mkdtempSync(path.join(tmpdir(), 'kmq-bench-'));
const extra = new Map();
const names = [];
for (const image of images) {
  const name = path.basename(image).replace(/\.[^.]+$/, '');
  for (const ext of ['kmq', 'png']) {
    const out = path.join(dir, `${name}.${ext}`);
    execFileSync(path.join(TOOLS_DIR, 'kmqenc'), [image, '-o', out, '-k', colours, '-f', '-q']);
    extra.set(`${name}.${ext}`, readFileSync(out));
  }
  names.push(name);
}
const server = await serve(REPO_DIR, extra);
const browser = await chromium.launch({ executablePath: process.env.KMQ_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  const page = await browser.newPage();
  await page.goto(`${server.url}/web/bench/decode.html?files=${names.join(',')}&runs=${process.env.KMQ_BENCH_RUNS ?? 7}`);
  const results = await page.evaluate(() => window.benchmark);
  console.log(`K = ${colours}, median of runs, ${results[0]?.cores} cores`);
  console.log('image                      .kmq bytes  PNG8 bytes   PNG ms  kmq 1 worker ms (×PNG)  kmq all workers ms (×PNG)');
  for (const r of results) {
    console.log(`${r.name.padEnd(26)} ${String(r.kmqBytes).padStart(10)} ${String(r.pngBytes).padStart(11)} ${r.pngMs.toFixed(1).padStart(8)}` +
                `  ${r.oneMs.toFixed(1).padStart(8)} (${(r.oneMs / r.pngMs).toFixed(2)})` +
                `        ${r.allMs.toFixed(1).padStart(8)} (${(r.allMs / r.pngMs).toFixed(2)})`);
  }
} finally {
  await browser.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
