import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { readBodyCapped } from '../src/util/read-capped.js';

describe('readBodyCapped', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
    server = createServer(handler);
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  }

  it('reads a body within the cap', async () => {
    const url = await serve((_req, res) => res.end(Buffer.alloc(1000, 7)));
    const bytes = await readBodyCapped(await fetch(url), 1000);
    expect(bytes?.length).toBe(1000);
  });

  it('stops an endless body without a Content-Length as soon as it passes the cap', async () => {
    let sent = 0;
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'image/png' });
      const chunk = Buffer.alloc(64 * 1024, 1);
      const pump = () => {
        while (res.write(chunk)) {
          sent += chunk.length;
          if (sent > 512 * 1024 * 1024) return res.end(); // a bound for the test; never reached when the cap works
        }
        sent += chunk.length;
        res.once('drain', pump);
      };
      pump();
    });
    expect(await readBodyCapped(await fetch(url), 1024 * 1024)).toBeUndefined();
    expect(sent).toBeLessThan(64 * 1024 * 1024);
  });

  it('refuses at once when the declared length is over the cap', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': String(10 * 1024 * 1024) });
      res.write(Buffer.alloc(10));
    });
    expect(await readBodyCapped(await fetch(url), 1024)).toBeUndefined();
  });
});
