// SPDX-License-Identifier: MIT
// <kmq-image src="photo.kmq" alt="…">: fetches a .kmq file, decodes it on the worker pool (the
// page never waits for it) and draws it into a canvas sized as an <img> would be: the width and
// height attributes, else the image's own size, with CSS free to override either and the aspect
// ratio kept. Fires `load` or `error` as <img> does; shows `alt` when the file cannot be shown.
import { sharedDecoderPool } from './worker-client.js';

const Base = globalThis.HTMLElement ?? class {};

export class KmqImageElement extends Base {
  static observedAttributes = ['src', 'alt', 'width', 'height'];

  #generation = 0;
  #image = null;
  #canvas;
  #fallback;
  #style;

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    this.#style = document.createElement('style');
    this.#canvas = document.createElement('canvas');
    this.#canvas.part = 'canvas';
    this.#fallback = document.createElement('span');
    this.#fallback.hidden = true;
    root.append(this.#style, this.#canvas, this.#fallback);
    this.#layout();
  }

  get src() { return this.getAttribute('src') ?? ''; }
  set src(value) { this.setAttribute('src', value); }
  get alt() { return this.getAttribute('alt') ?? ''; }
  set alt(value) { this.setAttribute('alt', value); }
  get image() { return this.#image; }
  get naturalWidth() { return this.#image?.width ?? 0; }
  get naturalHeight() { return this.#image?.height ?? 0; }
  get complete() { return this.#image !== null || !this.src; }

  connectedCallback() {
    // Attributes may not be added in the constructor of an element made by createElement.
    if (!this.hasAttribute('role')) this.setAttribute('role', 'img');
    if (this.src && !this.#image) this.#load();
  }

  attributeChangedCallback(name, before, after) {
    if (name === 'alt') {
      this.setAttribute('aria-label', after ?? '');
      this.#fallback.textContent = after ?? '';
    }
    if (name === 'src' && before !== after && this.isConnected) this.#load();
    this.#layout();
  }

  /** Presentational sizes, as an <img>'s attributes: author CSS outside overrides them. */
  #layout() {
    const attribute = (name) => {
      const value = Number.parseInt(this.getAttribute(name) ?? '', 10);
      return Number.isFinite(value) && value >= 0 ? value : null;
    };
    const natural = this.#image;
    const width = attribute('width');
    const height = attribute('height');
    const rules = ['display: inline-block', 'overflow: hidden', 'vertical-align: baseline'];
    if (natural) rules.push(`aspect-ratio: ${natural.width} / ${natural.height}`);
    if (width !== null) rules.push(`width: ${width}px`);
    if (height !== null) rules.push(`height: ${height}px`);
    if (width === null && height === null && natural) rules.push(`width: ${natural.width}px`);
    this.#style.textContent =
      `:host { ${rules.join('; ')} }\n` +
      'canvas { display: block; width: 100%; height: 100%; }\n' +
      'canvas[hidden] { display: none; }';
  }

  async #load() {
    const generation = ++this.#generation;
    this.#image = null;
    const source = this.src;
    try {
      const response = await fetch(source);
      if (!response.ok) throw new Error(`fetching ${source}: HTTP ${response.status}`);
      const bytes = new Uint8Array(await response.arrayBuffer());
      // Drawn off screen first, so that a newer src that finishes sooner is not overdrawn.
      const drawing = document.createElement('canvas');
      const image = await sharedDecoderPool().decodeToCanvas(bytes, drawing);
      if (generation !== this.#generation) return;
      const canvas = this.#canvas;
      canvas.width = image.width;
      canvas.height = image.height;
      canvas.getContext('2d').drawImage(drawing, 0, 0);
      canvas.hidden = false;
      this.#fallback.hidden = true;
      this.#image = image;
      this.#layout();
      this.dispatchEvent(new Event('load'));
    } catch (error) {
      if (generation !== this.#generation) return;
      this.#canvas.hidden = true;
      this.#fallback.hidden = false;
      this.#layout();
      const event = new Event('error');
      event.error = error;
      this.dispatchEvent(event);
    }
  }
}

if (globalThis.customElements && !customElements.get('kmq-image')) {
  customElements.define('kmq-image', KmqImageElement);
}
