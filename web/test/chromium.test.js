// SPDX-License-Identifier: MIT
// The browser build (dist/) in headless Chromium: every vector decoded in the page, the worker
// pool splitting a file of several strips, and <kmq-image>'s drawing, sizing and events.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { decode } from '../src/index.js';
import { serve } from './server.js';
import { readPam, readVector, REPO_DIR, temporaryDir, tool, toolsAvailable, VECTORS_DIR, WEB_DIR } from './helpers.js';
import { glyphs, toPam } from './images.js';

const CHROMIUM = process.env.KMQ_CHROMIUM ?? '/usr/bin/chromium';
let skip = false;
if (!existsSync(CHROMIUM)) skip = `no Chromium at ${CHROMIUM}`;
else if (!existsSync(path.join(WEB_DIR, 'dist', 'index.js'))) skip = 'dist/ not built (npm run build)';

let browser, page, server;
const extra = new Map();
const outside = [];
const pageErrors = [];

before(async () => {
  if (skip) return;
  const { chromium } = await import('playwright-core');
  server = await serve(REPO_DIR, extra);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  page = await browser.newPage();
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  // Nothing may leave the page but requests to the test's own server (and data:/blob: URLs).
  browser.on?.('disconnected', () => {});
  page.context().on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(server.url) && !url.startsWith('data:') && !url.startsWith('blob:')) outside.push(url);
  });
  await page.goto(`${server.url}/web/test/browser.html`);
});

after(async () => {
  if (!skip) {
    assert.deepEqual(outside, [], 'requests left the page');
    assert.deepEqual(pageErrors, [], 'script errors in the page');
  }
  await browser?.close();
  await server?.close();
});

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

test('Chromium decodes every vector as Node does, and refuses the invalid ones alike', { skip, timeout: 120000 }, async () => {
  const names = readdirSync(path.join(VECTORS_DIR, 'valid')).filter((f) => f.endsWith('.kmq'));
  const expectedHashes = {};
  for (const name of names) expectedHashes[name] = sha256((await decode(readVector('valid', name))).data);
  const invalid = readFileSync(path.join(VECTORS_DIR, 'invalid', 'expected.txt'), 'utf8').trim().split('\n').map((l) => l.split(' '));
  const result = await page.evaluate(async ({ names, invalid }) => {
    const { decode } = await import('/web/dist/index.js');
    const hex = (buffer) => Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join('');
    const hashes = {};
    for (const name of names) {
      const bytes = await (await fetch(`/format-spec/vectors/valid/${name}`)).arrayBuffer();
      const image = await decode(bytes);
      hashes[name] = hex(await crypto.subtle.digest('SHA-256', image.data));
    }
    const categories = {};
    for (const [name] of invalid) {
      const bytes = await (await fetch(`/format-spec/vectors/invalid/${name}.kmq`)).arrayBuffer();
      try {
        await decode(bytes);
        categories[name] = 'accepted';
      } catch (error) {
        categories[name] = error.name === 'KmqError' ? error.category : `${error.name}: ${error.message}`;
      }
    }
    return { hashes, categories };
  }, { names, invalid });
  assert.deepEqual(result.hashes, expectedHashes);
  assert.deepEqual(result.categories, Object.fromEntries(invalid));
});

test('Chromium: the worker pool splits strips and tiles across Web Workers', { skip: skip || (!toolsAvailable() && 'kmqenc not built'), timeout: 120000 }, async (t) => {
  const dir = temporaryDir(t);
  const { writeFileSync } = await import('node:fs');
  const input = path.join(dir, 'glyphs.pam');
  writeFileSync(input, toPam(glyphs(300, 200)));
  for (const [name, args] of [['strips.kmq', ['--label-coding', 'copies', '--tiles', '5']],
                              ['tiles.kmq', ['--label-coding', 'tiles', '--tiles', '4']]]) {
    const out = path.join(dir, name);
    assert.equal(tool('kmqenc', [input, '-o', out, '-f', '-q', '-k', '8', ...args]).status, 0);
    extra.set(name, readFileSync(out));
  }
  const expected = {};
  for (const name of ['strips.kmq', 'tiles.kmq']) expected[name] = sha256((await decode(extra.get(name))).data);
  const hashes = await page.evaluate(async () => {
    const { createDecoderPool } = await import('/web/dist/worker-client.js');
    const pool = createDecoderPool({ workers: 3 });
    const hex = (buffer) => Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join('');
    const out = {};
    for (const name of ['strips.kmq', 'tiles.kmq']) {
      const image = await pool.decode(await (await fetch(`/extra/${name}`)).arrayBuffer());
      out[name] = hex(await crypto.subtle.digest('SHA-256', image.data));
    }
    for (const name of ['strips.kmq', 'tiles.kmq']) {
      // Drawn by the workers into bitmaps, placed on a canvas: the same pixels.
      const canvas = document.createElement('canvas');
      const header = await pool.decodeToCanvas(await (await fetch(`/extra/${name}`)).arrayBuffer(), canvas);
      const drawn = canvas.getContext('2d').getImageData(0, 0, header.width, header.height).data;
      out[`${name} drawn`] = hex(await crypto.subtle.digest('SHA-256', drawn));
    }
    const bad = await (await fetch('/format-spec/vectors/invalid/m4_copies_overlap.kmq')).arrayBuffer();
    out.bad = await pool.decode(bad).then(() => 'accepted', (e) => `${e.name} ${e.category}`);
    await pool.terminate();
    return out;
  });
  assert.deepEqual(hashes, { ...expected, 'strips.kmq drawn': expected['strips.kmq'],
                             'tiles.kmq drawn': expected['tiles.kmq'], bad: 'KmqError corrupt_file' });
});

test('<kmq-image>: draws the image, sizes like <img>, fires load and error', { skip, timeout: 120000 }, async () => {
  // The reference pixels: the vector's PAM, made by the C++ encoder and checked by kmqdec.
  const pam = readPam(readVector('valid', 'm4_rgb_k5_copies_3_strips.pam'));
  const rgba = Buffer.alloc(pam.width * pam.height * 4, 255);
  for (let i = 0; i < pam.width * pam.height; i++) pam.data.copy(rgba, 4 * i, 3 * i, 3 * i + 3);
  const expected = { data: rgba };
  const result = await page.evaluate(async () => {
    await import('/web/dist/element.js');
    const stage = document.getElementById('stage');
    const make = (attributes) => {
      const element = document.createElement('kmq-image');
      for (const [k, v] of Object.entries(attributes)) element.setAttribute(k, v);
      const settled = new Promise((resolve) => {
        element.addEventListener('load', () => resolve('load'));
        element.addEventListener('error', () => resolve('error'));
      });
      stage.append(element);
      return { element, settled };
    };
    const file = '/format-spec/vectors/valid/m4_rgb_k5_copies_3_strips.kmq';
    const natural = make({ src: file, alt: 'glyphs' });
    const scaled = make({ src: file, width: '48' });
    const fixed = make({ src: file, width: '30', height: '10' });
    const broken = make({ src: '/format-spec/vectors/invalid/m4_copies_overlap.kmq', alt: 'a broken file' });
    const missing = make({ src: '/no/such/file.kmq' });
    const events = await Promise.all([natural, scaled, fixed, broken, missing].map((x) => x.settled));
    const box = (x) => { const r = x.element.getBoundingClientRect(); return [Math.round(r.width), Math.round(r.height)]; };
    const canvas = natural.element.shadowRoot.querySelector('canvas');
    const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    const hex = (buffer) => Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join('');
    return {
      events,
      natural: [natural.element.naturalWidth, natural.element.naturalHeight, natural.element.complete],
      boxes: [box(natural), box(scaled), box(fixed)],
      label: natural.element.getAttribute('aria-label'),
      role: natural.element.getAttribute('role'),
      hash: hex(await crypto.subtle.digest('SHA-256', pixels)),
      brokenAlt: broken.element.shadowRoot.querySelector('span').hidden ? null : broken.element.shadowRoot.textContent,
    };
  });
  assert.deepEqual(result.events, ['load', 'load', 'load', 'error', 'error']);
  assert.deepEqual(result.natural, [96, 60, true]);
  assert.deepEqual(result.boxes, [[96, 60], [48, 30], [30, 10]]);
  assert.equal(result.label, 'glyphs');
  assert.equal(result.role, 'img');
  assert.equal(result.hash, sha256(expected.data));
  assert.match(result.brokenAlt, /a broken file/);
});

test('the demo page shows a chosen file with its size, palette and bits per pixel', { skip, timeout: 120000 }, async () => {
  const demo = await browser.newPage();
  const errors = [];
  demo.on('pageerror', (error) => errors.push(String(error)));
  await demo.goto(`${server.url}/web/demo/index.html`);
  const file = path.join(VECTORS_DIR, 'valid', 'm4_rgb_k5_copies_3_strips.kmq');
  await demo.setInputFiles('#pick', file);
  await demo.waitForFunction(() => document.querySelectorAll('#facts tr').length > 0 || document.getElementById('error').textContent);
  const shown = await demo.evaluate(async () => {
    const canvas = document.getElementById('view');
    const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    const hex = (buffer) => Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join('');
    return {
      facts: Object.fromEntries([...document.querySelectorAll('#facts tr')].map((row) => [row.cells[0].textContent, row.cells[1].textContent])),
      swatches: document.querySelectorAll('#palette span').length,
      size: [canvas.width, canvas.height],
      hash: hex(await crypto.subtle.digest('SHA-256', pixels)),
      error: document.getElementById('error').textContent,
    };
  });
  const bytes = readFileSync(file);
  const expected = await decode(bytes);
  assert.equal(shown.error, '');
  assert.deepEqual(shown.size, [96, 60]);
  assert.equal(shown.swatches, expected.paletteSize);
  assert.equal(shown.hash, sha256(expected.data));
  assert.match(shown.facts.size, /^96 × 60/);
  assert.match(shown.facts.colours, /^5 \(RGB\)/);
  assert.equal(shown.facts['bits per pixel'], ((8 * bytes.length) / (96 * 60)).toFixed(3));
  assert.match(shown.facts['label coding'], /method 4/);
  // A damaged file: the page says what is wrong, with the category.
  await demo.setInputFiles('#pick', path.join(VECTORS_DIR, 'invalid', 'm4_copies_overlap.kmq'));
  await demo.waitForFunction(() => document.getElementById('error').textContent !== '');
  assert.match(await demo.textContent('#error'), /corrupt_file: label chunk/);
  assert.deepEqual(errors, []);
  await demo.close();
});
