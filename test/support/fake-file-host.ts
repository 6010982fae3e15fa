import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback storage host, as the hubs' download CDNs are (Civitai redirects to signed R2/B2 URLs, Hugging Face to
 * its LFS CDN): serves registered files with the filename in Content-Disposition, and records every request with its
 * Authorization header (a hub token must never arrive here).
 */
export interface HostedFile {
  data: Buffer;
  /** The name the host announces (`attachment; filename="..."`). */
  fileName: string;
  contentType?: string;
}

export class FakeFileHost {
  readonly requests: { path: string; authorization: string | undefined }[] = [];
  readonly files = new Map<string, HostedFile>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeFileHost> {
    let host: FakeFileHost | undefined;
    const server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      host?.requests.push({ path, authorization: req.headers.authorization });
      const file = host?.files.get(path);
      if (!file) {
        res.writeHead(404, { 'content-type': 'application/xml' }).end('<Error><Code>NoSuchKey</Code></Error>');
        return;
      }
      res.writeHead(200, {
        'content-type': file.contentType ?? 'application/octet-stream',
        'content-length': file.data.length,
        'content-disposition': `attachment; filename="${file.fileName}"`,
      });
      res.end(file.data);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    host = new FakeFileHost(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return host;
  }

  /** Registers a file and returns its (signed-looking) URL. */
  put(key: string, file: HostedFile): string {
    const path = `/${key}`;
    this.files.set(path, file);
    return `${this.url}${path}?X-Amz-Expires=86400&X-Amz-Signature=${'0'.repeat(16)}`;
  }

  get host(): string {
    return new URL(this.url).host;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
