import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { CivitaiClient } from '../src/catalog/sources/civitai.js';
import { HttpError, HubUnreachableError } from '../src/catalog/sources/http.js';
import { HuggingFaceClient, huggingFaceRecords } from '../src/catalog/sources/huggingface.js';
import type { SourceRecord } from '../src/catalog/sources/types.js';
import { civitaiItem } from './support/civitai-items.js';
import { runCli } from './support/cli.js';

/**
 * Hubs that misbehave, each a loopback server of a few lines: a listing that links to itself or goes round in
 * circles, a cursor sent twice, an address nobody listens on, a server that accepts and never answers or stops
 * half-way, a 401 that echoes the token. Every listing ends, every request ends, nothing retries a hub that is not
 * there, and no token reaches a message.
 */
type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => void;

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function hub(handler: Handler): Promise<{ url: string; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://hub');
    requests.push(`${url.pathname}${url.search}`);
    handler(req, res, url);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

/** An address where nothing listens: a server bound, then closed. */
async function deadAddress(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function warnings() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { log: pino({ level: 'warn' }, stream), messages: () => lines.map((line) => JSON.parse(line).msg as string) };
}

const delays: number[] = [];
const recordSleep = async (ms: number) => {
  delays.push(ms);
};
afterEach(() => {
  delays.length = 0;
});

async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const value of source) out.push(value);
  return out;
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof Error)) throw new Error('expected a failure');
  return error;
}

describe('paginated listings always end', () => {
  it('a Hugging Face next-page link that points to itself is read once and ends the listing with a warning', async () => {
    const server = await hub((_req, res, url) =>
      json(res, 200, [{ id: 'alice/one' }], { link: `<http://hub${url.pathname}${url.search}>; rel="next"` }),
    );
    const { log, messages } = warnings();
    const hf = new HuggingFaceClient({ endpoint: server.url, log, sleep: recordSleep });
    const listed = await collect(hf.listLoraRepos({ baseRepos: ['base/model'] }));
    expect(listed).toEqual(['alice/one']);
    expect(server.requests).toHaveLength(1);
    expect(messages()).toEqual(['the hub sent a next page it had already sent: listing ended']);
  });

  it('pages that bring nothing new end the listing after three of them', async () => {
    const server = await hub((_req, res, url) => {
      const page = Number(url.searchParams.get('cursor') ?? '0');
      json(res, 200, [{ id: 'alice/same' }], { link: `<http://hub/api/models?cursor=${page + 1}>; rel="next"` });
    });
    const { log, messages } = warnings();
    const hf = new HuggingFaceClient({ endpoint: server.url, log, sleep: recordSleep });
    expect(await collect(hf.listLoraRepos({ baseRepos: ['base/model'] }))).toEqual(['alice/same']);
    expect(server.requests).toHaveLength(4);
    expect(messages()).toEqual(['the hub sent pages without any new entry: listing ended']);
  });

  it('an endless listing of new repos stops at the page limit', async () => {
    const server = await hub((_req, res, url) => {
      const page = Number(url.searchParams.get('cursor') ?? '0');
      json(res, 200, [{ id: `alice/repo-${page}` }], {
        link: `<http://hub/api/models?cursor=${page + 1}>; rel="next"`,
      });
    });
    const { log, messages } = warnings();
    const hf = new HuggingFaceClient({ endpoint: server.url, log, sleep: recordSleep });
    const listed = await collect(hf.listLoraRepos({ baseRepos: ['base/model'], maxPages: 5 }));
    expect(listed).toHaveLength(5);
    expect(server.requests).toHaveLength(5);
    expect(messages()).toEqual(['the listing reached its page limit: listing ended']);
  });

  it('a Civitai cursor sent twice ends the listing with a warning, keeping what was read', async () => {
    const server = await hub((_req, res, url) => {
      const cursor = url.searchParams.get('cursor');
      const items = cursor ? [civitaiItem({ id: 2 })] : [civitaiItem({ id: 1 })];
      json(res, 200, { items, metadata: { nextCursor: 'again', nextPage: `http://hub/api/v1/models?cursor=again` } });
    });
    const { log, messages } = warnings();
    const civitai = new CivitaiClient({ apiUrl: server.url, log, sleep: recordSleep });
    const items = await collect(civitai.items());
    expect(items.map((item) => (item as { id: number }).id)).toEqual([1, 2]);
    expect(server.requests).toHaveLength(2);
    expect(messages()).toEqual(['the hub sent a next page it had already sent: listing ended']);
  });

  it('Civitai stops at the page limit and skips models it has already read', async () => {
    const server = await hub((_req, res, url) => {
      const page = Number(url.searchParams.get('cursor') ?? '0');
      json(res, 200, {
        items: [civitaiItem({ id: 1 }), civitaiItem({ id: 100 + page })],
        metadata: { nextCursor: page + 1 },
      });
    });
    const civitai = new CivitaiClient({ apiUrl: server.url, log: warnings().log, sleep: recordSleep });
    const items = await collect(civitai.items({ maxPages: 4 }));
    expect(items.map((item) => (item as { id: number }).id)).toEqual([1, 100, 101, 102, 103]);
    expect(server.requests).toHaveLength(4);
  });
});

describe('every hub request has deadlines, and a hub that is not there fails at once with its name', () => {
  it('an address nobody listens on is not retried and is named with its setting', async () => {
    const endpoint = await deadAddress();
    const hf = new HuggingFaceClient({ endpoint, sleep: recordSleep });
    const error = await failure(collect(huggingFaceRecords(hf, { baseFamilies: ['sdxl'] })));
    expect(error).toBeInstanceOf(HubUnreachableError);
    expect(error.message).toBe(
      `Hugging Face (HF_ENDPOINT=${endpoint}/) refused the connection; check the address or your network.`,
    );
    expect(delays).toEqual([]);
  });

  it('a hub that accepts and never answers fails after the answer deadline, once', async () => {
    const server = await hub(() => undefined);
    const hf = new HuggingFaceClient({ endpoint: server.url, sleep: recordSleep, answerTimeoutMs: 200 });
    const error = await failure(collect(huggingFaceRecords(hf, { baseFamilies: ['sdxl'] })));
    expect(error).toBeInstanceOf(HubUnreachableError);
    expect(error.message).toBe(
      `Hugging Face (HF_ENDPOINT=${server.url}/) did not answer within 0.2 s; check the address or your network.`,
    );
    expect(server.requests).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it('a hub that answered before and then hangs is retried a bounded number of times, and the crawl stops', async () => {
    const server = await hub((_req, res, url) => {
      if (url.pathname === '/api/models') json(res, 200, [{ id: 'alice/one' }, { id: 'alice/two' }]);
      // Model info never comes.
    });
    const hf = new HuggingFaceClient({ endpoint: server.url, sleep: recordSleep, answerTimeoutMs: 150 });
    const error = await failure(collect(huggingFaceRecords(hf, { baseFamilies: ['sdxl'] })));
    expect(error.message).toMatch(/did not answer within 0\.15 s \(3 tries\)/);
    expect(server.requests.filter((request) => request.startsWith('/api/models/'))).toHaveLength(3);
    expect(delays).toEqual([1000, 2000]);
  });

  it('an answer that stops half-way fails at the total deadline', async () => {
    const server = await hub((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('[{"id": "alice/');
    });
    const hf = new HuggingFaceClient({
      endpoint: server.url,
      sleep: recordSleep,
      timeoutMs: 300,
      retry: { maxTimeoutAttempts: 2 },
    });
    const error = await failure(collect(hf.listLoraRepos({ baseRepos: ['base/model'] })));
    expect(error).toBeInstanceOf(HubUnreachableError);
    expect(error.message).toBe(
      `Hugging Face (HF_ENDPOINT=${server.url}/) did not finish answering within 0.3 s (2 tries); try again later.`,
    );
    expect(server.requests).toHaveLength(2);
  });

  it('retries 429 and 5xx a bounded number of times, and not 4xx', async () => {
    const server = await hub((_req, res, url) => json(res, url.searchParams.has('cursor') ? 404 : 503, {}));
    const civitai = new CivitaiClient({ apiUrl: server.url, sleep: recordSleep, retry: { maxAttempts: 4 } });
    const error = await failure(collect(civitai.items()));
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).status).toBe(503);
    expect(server.requests).toHaveLength(4);
    expect(delays).toEqual([1000, 2000, 4000]);
  });
});

describe('tokens never reach an error message', () => {
  const CIVITAI_TOKEN = '0123456789abcdef0123456789abcdef';
  const HF_TOKEN = 'hf_SecretTokenValue12345';

  it('a 401 that echoes the token says which setting to check, and shows no token', async () => {
    const server = await hub((req, res) =>
      json(res, 401, { error: `Invalid token ${CIVITAI_TOKEN}`, got: req.headers.authorization }),
    );
    const civitai = new CivitaiClient({ apiUrl: server.url, token: CIVITAI_TOKEN, sleep: recordSleep });
    const error = await failure(collect(civitai.items()));
    expect(error.message).toBe('Civitai refused the token (401): check CIVITAI_TOKEN.');
  });

  it('an error body that echoes the Authorization header is redacted in the record error', async () => {
    const server = await hub((req, res, url) => {
      if (url.pathname === '/api/models') return json(res, 200, [{ id: 'alice/gated' }]);
      json(res, 403, {
        error: `Forbidden for ${req.headers.authorization}; token ${HF_TOKEN}; other Bearer abc.def.ghi`,
      });
    });
    const hf = new HuggingFaceClient({ endpoint: server.url, token: HF_TOKEN, sleep: recordSleep });
    const records: SourceRecord[] = await collect(huggingFaceRecords(hf, { baseFamilies: ['sdxl'] }));
    expect(records).toHaveLength(1);
    const message = records[0]?.error ?? '';
    expect(message).toMatch(/^request-failed: HTTP 403 from /);
    expect(message).toContain('Forbidden for Bearer [redacted]');
    expect(message).not.toContain(HF_TOKEN);
    expect(message).not.toContain('SecretToken');
    expect(message).not.toContain('abc.def.ghi');
  });

  describe('through the stylus CLI', () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'faults-hub-cli-'));
    afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

    it('ingest against a Civitai that refuses the token: one sentence, no token, exit 1', async () => {
      const server = await hub((req, res) => json(res, 401, { error: 'bad token', echo: req.headers.authorization }));
      const run = await runCli(['ingest', 'civitai', '--limit', '3'], {
        DATA_DIR: dataDir,
        STYLUS_SEED_CATALOG: 'false',
        CIVITAI_API_URL: server.url,
        CIVITAI_TOKEN,
      });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('Civitai refused the token (401): check CIVITAI_TOKEN.');
      expect(`${run.stdout}${run.stderr}`).not.toContain(CIVITAI_TOKEN);
    });

    it('ingest against an offline Hugging Face names HF_ENDPOINT at once', async () => {
      const endpoint = await deadAddress();
      const run = await runCli(['ingest', 'huggingface', '--limit', '3'], {
        DATA_DIR: dataDir,
        STYLUS_SEED_CATALOG: 'false',
        HF_ENDPOINT: endpoint,
        HF_TOKEN,
      });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`Hugging Face (HF_ENDPOINT=${endpoint}/) refused the connection`);
      expect(run.stderr).not.toContain('fetch failed');
      expect(`${run.stdout}${run.stderr}`).not.toContain(HF_TOKEN);
    });
  });
});
