import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { terms } from '../../src/catalog/text.js';

/**
 * A loopback OpenAI-compatible server: POST /v1/chat/completions and POST /v1/embeddings, answered with the
 * shapes the real API returns (embeddings as base64 float32 when asked, as the openai package asks).
 * Every request is recorded so tests can assert on what the code sent.
 */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
}

export type ChatReply =
  | { content: string; promptTokens?: number }
  | { status: number; error: string; headers?: Record<string, string> }
  | { hang: true };

export type ChatHandler = (body: Record<string, unknown>) => ChatReply | Promise<ChatReply>;

export class OpenAiStub {
  readonly requests: RecordedRequest[] = [];
  private readonly chatQueue: ChatReply[] = [];
  private chatHandler: ChatHandler | undefined;
  /** How texts become vectors; the default hashes stemmed terms into buckets, so shared words mean nearby vectors. */
  embedText: (text: string, dims: number) => number[] = hashedBagOfTerms;
  embeddingStatus: number | undefined;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<OpenAiStub> {
    let stub: OpenAiStub | undefined;
    const server = createServer((req, res) => {
      void stub?.handle(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    stub = new OpenAiStub(server, `http://127.0.0.1:${port}/v1`);
    return stub;
  }

  /** Replies used in order, one per chat request, before the handler (if any) is asked. */
  queueChat(...replies: ChatReply[]): void {
    this.chatQueue.push(...replies);
  }

  onChat(handler: ChatHandler): void {
    this.chatHandler = handler;
  }

  chatRequests(): RecordedRequest[] {
    return this.requests.filter((request) => request.path.endsWith('/chat/completions'));
  }

  embeddingRequests(): RecordedRequest[] {
    return this.requests.filter((request) => request.path.endsWith('/embeddings'));
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let body: Record<string, unknown> = {};
    try {
      body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {};
    } catch {
      return send(res, 400, { error: { message: 'invalid JSON body', type: 'invalid_request_error' } });
    }
    const path = (req.url ?? '').split('?')[0] ?? '';
    this.requests.push({ method: req.method ?? 'GET', path, headers: req.headers, body });
    if (req.method === 'POST' && path.endsWith('/chat/completions')) return this.chat(body, res);
    if (req.method === 'POST' && path.endsWith('/embeddings')) return this.embeddings(body, res);
    send(res, 404, { error: { message: `no route ${req.method} ${path}`, type: 'invalid_request_error' } });
  }

  private async chat(body: Record<string, unknown>, res: ServerResponse): Promise<void> {
    const reply = this.chatQueue.shift() ?? (await this.chatHandler?.(body)) ?? { content: '{}' };
    if ('hang' in reply) return; // never answers: the client's timeout must fire
    if ('status' in reply) {
      const body = { error: { message: reply.error, type: 'server_error', code: null } };
      return send(res, reply.status, body, reply.headers);
    }
    const promptTokens = reply.promptTokens ?? Math.ceil(JSON.stringify(body.messages ?? '').length / 4);
    const completionTokens = Math.ceil(reply.content.length / 4);
    send(res, 200, {
      id: `chatcmpl-${this.requests.length}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: String(body.model ?? 'stub'),
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: reply.content, refusal: null },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
      },
    });
  }

  private embeddings(body: Record<string, unknown>, res: ServerResponse): void {
    if (this.embeddingStatus) {
      send(res, this.embeddingStatus, { error: { message: 'embedding failure', type: 'server_error' } });
      return;
    }
    const input = Array.isArray(body.input) ? (body.input as string[]) : [String(body.input ?? '')];
    const dims = typeof body.dimensions === 'number' ? body.dimensions : 16;
    const base64 = body.encoding_format === 'base64';
    send(res, 200, {
      object: 'list',
      model: String(body.model ?? 'stub'),
      data: input.map((text, index) => {
        const vector = this.embedText(text, dims);
        return {
          object: 'embedding',
          index,
          embedding: base64 ? Buffer.from(Float32Array.from(vector).buffer).toString('base64') : vector,
        };
      }),
      usage: { prompt_tokens: input.length, total_tokens: input.length },
    });
  }
}

function send(res: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(payload);
  res.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function hashedBagOfTerms(text: string, dims: number): number[] {
  const vector = new Array<number>(dims).fill(0);
  for (const term of terms(text)) {
    const bucket = createHash('md5').update(term).digest().readUInt32LE(0) % dims;
    vector[bucket] = (vector[bucket] ?? 0) + 1;
  }
  return vector;
}
