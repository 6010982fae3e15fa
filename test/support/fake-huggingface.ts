import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback Hugging Face Hub with the shapes of the real API (huggingface_hub / @huggingface/hub):
 * - `GET /api/models?filter=...&filter=...&limit=N`: a JSON array of `{ id, modelId, likes, downloads, tags }`,
 *   every `filter` must match (AND), the next page in a `Link: <url>; rel="next"` header;
 * - `GET /api/models/<owner>/<repo>?blobs=true`: model info with `sha`, `cardData`, `siblings[{ rfilename, size,
 *   lfs: { sha256, size } }]`;
 * - `GET /<owner>/<repo>/resolve/main/<file>`: the file (README.md here), 404 when absent; a file registered in
 *   `files` (an LFS file) answers 302 to its CDN URL, 401 without `Authorization: Bearer <token>` when the repo is
 *   gated and `token` is set.
 */
export interface FakeRepo {
  id: string;
  tags: string[];
  downloads?: number;
  likes?: number;
  sha?: string;
  cardData?: Record<string, unknown>;
  siblings: { rfilename: string; size?: number; lfs?: { sha256: string; size: number } }[];
  readme?: string;
  gated?: false | 'auto' | 'manual';
}

export class FakeHuggingFace {
  readonly requests: { path: string; query: URLSearchParams; authorization?: string }[] = [];
  /** `<owner>/<repo>/<file>` -> the CDN URL it redirects to. */
  readonly files = new Map<string, string>();
  /** The token gated repos need. */
  token: string | undefined;
  /** Statuses the next info requests answer with before normal answers resume. */
  readonly infoFailures: number[] = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
    readonly repos: FakeRepo[],
  ) {}

  static async start(repos: FakeRepo[]): Promise<FakeHuggingFace> {
    let fake: FakeHuggingFace | undefined;
    const server = createServer((req, res) => fake?.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    fake = new FakeHuggingFace(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`, repos);
    return fake;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.url);
    this.requests.push({ path: url.pathname, query: url.searchParams, authorization: req.headers.authorization });
    if (url.pathname === '/api/models') {
      this.list(url, res);
      return;
    }
    const info = /^\/api\/models\/([^/]+\/[^/]+)$/.exec(url.pathname);
    if (info?.[1]) {
      const failure = this.infoFailures.shift();
      if (failure) {
        send(res, failure, { error: 'Internal Error' });
        return;
      }
      const repo = this.repos.find((candidate) => candidate.id === decodeURIComponent(info[1] as string));
      if (!repo) {
        send(res, 404, { error: 'Repository not found' });
        return;
      }
      send(res, 200, {
        _id: repo.id.replace('/', ''),
        id: repo.id,
        modelId: repo.id,
        author: repo.id.split('/')[0],
        sha: repo.sha ?? 'a'.repeat(40),
        private: false,
        gated: repo.gated ?? false,
        downloads: repo.downloads ?? 0,
        likes: repo.likes ?? 0,
        tags: repo.tags,
        library_name: 'diffusers',
        cardData: repo.cardData ?? {},
        siblings:
          url.searchParams.get('blobs') === 'true'
            ? repo.siblings
            : repo.siblings.map((s) => ({ rfilename: s.rfilename })),
      });
      return;
    }
    const file = /^\/([^/]+\/[^/]+)\/resolve\/main\/(.+)$/.exec(url.pathname);
    const repo = file ? this.repos.find((candidate) => candidate.id === file[1]) : undefined;
    const lfs = file ? this.files.get(`${file[1]}/${file[2]}`) : undefined;
    if (lfs) {
      if (repo?.gated && this.token && req.headers.authorization !== `Bearer ${this.token}`) {
        send(res, 401, { error: 'Access to model is restricted. You must be authenticated to access it.' });
        return;
      }
      res.writeHead(302, { location: lfs, 'x-linked-size': '0' }).end();
      return;
    }
    if (repo && file?.[2] === 'README.md' && repo.readme !== undefined) {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(repo.readme);
      return;
    }
    send(res, 404, { error: 'Entry not found' });
  }

  private list(url: URL, res: ServerResponse): void {
    const filters = url.searchParams.getAll('filter');
    const limit = Number(url.searchParams.get('limit') ?? '1000');
    const offset = Number(url.searchParams.get('cursor') ?? '0');
    const matching = this.repos
      .filter((repo) => filters.every((filter) => repo.tags.includes(filter)))
      .sort((a, b) => (b.downloads ?? 0) - (a.downloads ?? 0));
    const page = matching.slice(offset, offset + limit);
    const headers: Record<string, string> = {};
    if (offset + limit < matching.length) {
      const next = new URL(url);
      next.searchParams.set('cursor', String(offset + limit));
      headers.link = `<${next.toString()}>; rel="next"`;
    }
    send(
      res,
      200,
      page.map((repo) => ({
        _id: repo.id.replace('/', ''),
        id: repo.id,
        modelId: repo.id,
        likes: repo.likes ?? 0,
        downloads: repo.downloads ?? 0,
        tags: repo.tags,
        private: false,
      })),
      headers,
    );
  }
}

function send(res: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(payload);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}
