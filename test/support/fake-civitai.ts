import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback Civitai: `GET /api/v1/models` answered as the live API does (developer.civitai.com, Models):
 * `{ items, metadata: { nextCursor, nextPage } }`, `limit` capped at 100, an opaque `cursor` taken from
 * `metadata.nextCursor`, `page` refused past 1000 items, `baseModels` and `nsfw` filters applied. Failures can be
 * queued (a 429 with Retry-After, a 503) to come before the next normal answers. Every request is recorded.
 * `GET /api/download/models/{versionId}` answers as the live one does: 401 without a key when `downloadToken` is set,
 * else 307 to a signed storage URL (see FakeFileHost), 404 for an unknown version.
 */
export interface FakeCivitaiRequest {
  path: string;
  query: URLSearchParams;
  authorization: string | undefined;
}

export type ScriptedFailure = { status: number; retryAfter?: string };

export class FakeCivitai {
  readonly requests: FakeCivitaiRequest[] = [];
  /** Model-version id -> where its file is stored (the URL the download redirects to). */
  readonly downloads = new Map<string, string>();
  /** When set, downloads need `Authorization: Bearer <token>`. */
  downloadToken: string | undefined;
  private readonly failures: ScriptedFailure[] = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
    public items: Record<string, unknown>[],
  ) {}

  static async start(items: Record<string, unknown>[]): Promise<FakeCivitai> {
    let fake: FakeCivitai | undefined;
    const server = createServer((req, res) => fake?.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    fake = new FakeCivitai(server, `http://127.0.0.1:${port}`, items);
    return fake;
  }

  /** The next requests fail like this, in order, before normal answers resume. */
  failNext(...failures: ScriptedFailure[]): void {
    this.failures.push(...failures);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.url);
    this.requests.push({ path: url.pathname, query: url.searchParams, authorization: req.headers.authorization });
    const failure = this.failures.shift();
    if (failure) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (failure.retryAfter !== undefined) headers['retry-after'] = failure.retryAfter;
      res.writeHead(failure.status, headers);
      res.end(JSON.stringify({ error: failure.status === 429 ? 'Too Many Requests' : 'Service Unavailable' }));
      return;
    }
    const download = /^\/api\/download\/models\/(\d+)$/.exec(url.pathname);
    if (req.method === 'GET' && download?.[1]) {
      if (this.downloadToken && req.headers.authorization !== `Bearer ${this.downloadToken}`) {
        send(res, 401, { error: 'Unauthorized', message: 'The creator of this asset requires you to be logged in' });
        return;
      }
      const location = this.downloads.get(download[1]);
      if (!location) {
        send(res, 404, { error: 'Model not found' });
        return;
      }
      res.writeHead(307, { location }).end();
      return;
    }
    if (req.method !== 'GET' || url.pathname !== '/api/v1/models') {
      send(res, 404, { error: 'Not found' });
      return;
    }
    const limit = Number(url.searchParams.get('limit') ?? '100');
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
      send(res, 400, { error: 'limit must be between 1 and 100' });
      return;
    }
    const types = url.searchParams.getAll('types');
    const baseModels = url.searchParams.getAll('baseModels');
    const nsfw = url.searchParams.get('nsfw');
    const matching = this.items.filter((item) => {
      const version = (item.modelVersions as Record<string, unknown>[] | undefined)?.[0];
      if (types.length && !types.includes(String(item.type))) return false;
      if (baseModels.length && !baseModels.includes(String(version?.baseModel))) return false;
      if (nsfw === 'false' && item.nsfw === true) return false;
      return true;
    });
    let offset = 0;
    const cursor = url.searchParams.get('cursor');
    const page = url.searchParams.get('page');
    if (cursor !== null) {
      const decoded = Number(
        Buffer.from(cursor, 'base64url')
          .toString('utf8')
          .replace(/^offset-/, ''),
      );
      if (!Number.isInteger(decoded) || decoded < 0) {
        send(res, 400, { error: 'invalid cursor' });
        return;
      }
      offset = decoded;
    } else if (page !== null) {
      offset = (Number(page) - 1) * limit;
      if (offset >= 1000) {
        send(res, 400, { error: 'Page numbers past 1000 items are not supported; use cursor' });
        return;
      }
    }
    const items = matching.slice(offset, offset + limit);
    const nextOffset = offset + items.length;
    const metadata: Record<string, unknown> = {};
    if (nextOffset < matching.length) {
      metadata.nextCursor = Buffer.from(`offset-${nextOffset}`).toString('base64url');
      const nextUrl = new URL(url);
      nextUrl.searchParams.set('cursor', String(metadata.nextCursor));
      metadata.nextPage = nextUrl.toString();
    }
    send(res, 200, { items, metadata });
  }
}

function send(res: ServerResponse, status: number, payload: unknown): void {
  const text = JSON.stringify(payload);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}
