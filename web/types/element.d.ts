// SPDX-License-Identifier: MIT
// Types of kmq-decoder/element (src/element.js): the <kmq-image> custom element.
import type { DecodedImage } from './index.js';

export class KmqImageElement extends HTMLElement {
  static readonly observedAttributes: string[];
  src: string;
  alt: string;
  /** The decoded image once `load` has fired, else null. */
  readonly image: DecodedImage | null;
  readonly naturalWidth: number;
  readonly naturalHeight: number;
  readonly complete: boolean;
}

declare global {
  interface HTMLElementTagNameMap {
    'kmq-image': KmqImageElement;
  }
}
