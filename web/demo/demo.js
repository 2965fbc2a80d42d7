// SPDX-License-Identifier: MIT
// The viewer page: a dropped .kmq file is inspected on the page (header, palette, metadata) and
// decoded on the worker pool, then drawn with its size, palette and bits per pixel.
import { inspect } from '../dist/index.js';
import { decodeInWorker } from '../dist/worker-client.js';

const $ = (id) => document.getElementById(id);

function fact(name, value) {
  const row = document.createElement('tr');
  row.append(Object.assign(document.createElement('td'), { textContent: name }),
             Object.assign(document.createElement('td'), { textContent: value }));
  $('facts').append(row);
}

async function show(file) {
  $('error').textContent = '';
  $('facts').replaceChildren();
  $('palette').replaceChildren();
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const info = await inspect(bytes);
    const started = performance.now();
    const image = await decodeInWorker(bytes);
    const took = performance.now() - started;
    const canvas = $('view');
    canvas.width = image.width;
    canvas.height = image.height;
    canvas.getContext('2d').putImageData(new ImageData(image.data, image.width, image.height), 0, 0);
    fact('file', `${file.name}, ${bytes.length.toLocaleString()} bytes`);
    fact('size', `${image.width} × ${image.height} (${(image.width * image.height / 1e6).toFixed(2)} MP)`);
    fact('colours', `${info.paletteSize} (${info.channels === 4 ? 'RGBA' : 'RGB'})`);
    fact('bits per pixel', info.bitsPerPixel.toFixed(3));
    fact('label coding', `method ${info.labelCoding} (${info.labelCodingName})`);
    fact('metadata', [info.iccProfile && `ICC profile “${info.metadata.iccProfileName}”`,
                      info.metadata.exif && 'Exif', info.metadata.xmp && 'XMP',
                      info.metadata.text.length && `${info.metadata.text.length} text entries`]
      .filter(Boolean).join(', ') || 'none');
    fact('decoded in', `${took.toFixed(1)} ms`);
    const shown = Math.min(info.paletteSize, 1024);
    for (let k = 0; k < shown; k++) {
      const c = info.palette.subarray(k * info.channels, (k + 1) * info.channels);
      const swatch = document.createElement('span');
      swatch.style.background = `rgba(${c[0]}, ${c[1]}, ${c[2]}, ${info.channels === 4 ? c[3] / 255 : 1})`;
      swatch.title = `${k}: ${Array.from(c).join(', ')}`;
      $('palette').append(swatch);
    }
  } catch (error) {
    $('error').textContent = `${file.name}: ${error.category ?? 'error'}: ${error.message}`;
  }
}

const drop = $('drop');
drop.addEventListener('dragover', (event) => { event.preventDefault(); drop.classList.add('over'); });
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (event) => {
  event.preventDefault();
  drop.classList.remove('over');
  const file = event.dataTransfer.files[0];
  if (file) show(file);
});
$('pick').addEventListener('change', (event) => {
  const file = event.target.files[0];
  if (file) show(file);
});
