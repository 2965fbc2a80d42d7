#!/usr/bin/env node
// SPDX-License-Identifier: MIT
// kmqdec-js IN.kmq OUT.pam: decodes a .kmq file with the JavaScript decoder and writes its
// pixels as a PAM (P7, TUPLTYPE RGB or RGB_ALPHA). The output is written to a temporary file
// beside OUT and renamed into place, so a failed decode never leaves a half-written file.
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import process from 'node:process';
import { decode, KmqError } from '../src/index.js';
import { pamBytes } from '../src/pam.js';

const USAGE = 'usage: kmqdec-js IN.kmq OUT.pam';

async function main(argv) {
  if (argv.length === 1 && (argv[0] === '-h' || argv[0] === '--help')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (argv.length !== 2) {
    process.stderr.write(`kmqdec-js: error: usage: expected IN.kmq and OUT.pam\n${USAGE}\n`);
    return 2;
  }
  const [input, output] = argv;
  if (path.resolve(input) === path.resolve(output)) {
    throw new KmqError('io', `refusing to overwrite the input ${input}`);
  }
  let bytes;
  try {
    bytes = await readFile(input);
  } catch (e) {
    throw new KmqError('io', `cannot read ${input}: ${e.message}`);
  }
  const image = await decode(bytes);
  const temporary = path.join(path.dirname(output), `.${path.basename(output)}.${process.pid}.tmp`);
  try {
    await writeFile(temporary, pamBytes(image));
    await rename(temporary, output);
  } catch (e) {
    await rm(temporary, { force: true });
    throw new KmqError('io', `cannot write ${output}: ${e.message}`);
  }
  return 0;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (e) {
  if (!(e instanceof KmqError)) throw e;
  process.stderr.write(`kmqdec-js: error: ${e.category}: ${e.message}\n`);
  process.exitCode = 1;
}
