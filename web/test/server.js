// SPDX-License-Identifier: MIT
// A static file server over web/ (and extra files by name) for the browser tests and the
// benchmark page: correct MIME types for modules, nothing outside its roots.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

const TYPES = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.html': 'text/html',
                '.kmq': 'image/x-kmq', '.png': 'image/png', '.json': 'application/json', '.css': 'text/css' };

/**
 * @param {string} root served at /
 * @param {Map<string, Uint8Array>} [extra] bytes served at /extra/<name>
 */
export async function serve(root, extra = new Map()) {
  const server = createServer(async (request, response) => {
    const url = new URL(request.url, 'http://localhost');
    const name = decodeURIComponent(url.pathname);
    try {
      let body;
      if (name.startsWith('/extra/')) {
        body = extra.get(name.slice('/extra/'.length));
        if (!body) throw new Error('not found');
      } else {
        const file = path.resolve(root, `.${name}`);
        if (!file.startsWith(root + path.sep)) throw new Error('outside');
        body = await readFile(file);
      }
      response.writeHead(200, { 'content-type': TYPES[path.extname(name)] ?? 'application/octet-stream',
                                'cache-control': 'no-store' });
      response.end(body);
    } catch {
      response.writeHead(404);
      response.end('not found');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) };
}
