import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import type { Logger } from '../../log.js';
import { silentLogger } from '../../log.js';
import { buildComfyGraph, type ComfyGraph } from '../comfyui-graph.js';
import { RenderCancelledError, RenderError } from '../errors.js';
import {
  backendFetch,
  errorBody,
  isOutOfMemory,
  neverReached,
  outOfMemoryError,
  publicText,
  tooSlowError,
  unreachableError,
} from './http.js';
import type { BackendCallOptions, BackendImageRequest, RenderBackend, RenderedImage } from './types.js';

const NAME = 'ComfyUI';

interface ComfyMessage {
  type: string;
  data?: Record<string, unknown>;
}

interface NodeError {
  errors?: { type?: string; message?: string; details?: string }[];
  class_type?: string;
}

interface HistoryImage {
  filename: string;
  subfolder?: string;
  type?: string;
}

export interface ComfyUiOptions {
  url: string;
  log?: Logger;
  /** Longest a single image may take, from its first request to its last byte (10 min): then it is stopped. */
  imageTimeoutMs?: number;
  /** Longest the WebSocket may take to open (connection and upgrade, 10 s). */
  connectTimeoutMs?: number;
  /** Longest one HTTP request may take (30 s). */
  requestTimeoutMs?: number;
  /** Tries of POST /prompt when ComfyUI answers 5xx or refuses the connection (3), the first wait (1 s, doubling). */
  promptTries?: number;
  retryBaseMs?: number;
}

/**
 * ComfyUI over its HTTP + WebSocket API: upload inputs (POST /upload/image), open /ws?clientId= BEFORE POST /prompt
 * (a fast graph can finish before a late socket would hear of it), follow progress until `executing` with node null,
 * then read GET /history/{id} and fetch each image with GET /view.
 */
export class ComfyUiBackend implements RenderBackend {
  readonly name = 'comfyui';
  private readonly url: string;
  private readonly log: Logger;
  private readonly imageTimeoutMs: number;
  private readonly connectTimeoutMs: number;
  private readonly requestTimeoutMs: number;
  private readonly promptTries: number;
  private readonly retryBaseMs: number;
  /** LoRA paths (with `/`) as ComfyUI spells them, from the last listing. */
  private readonly spellings = new Map<string, string>();

  constructor(options: ComfyUiOptions) {
    this.url = options.url.replace(/\/+$/, '');
    this.log = options.log ?? silentLogger;
    this.imageTimeoutMs = options.imageTimeoutMs ?? 10 * 60_000;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.promptTries = Math.max(1, options.promptTries ?? 3);
    this.retryBaseMs = options.retryBaseMs ?? 1_000;
  }

  async listCheckpoints(signal?: AbortSignal): Promise<string[]> {
    return this.comboOptions('CheckpointLoaderSimple', 'ckpt_name', signal);
  }

  async listLoras(signal?: AbortSignal): Promise<string[]> {
    return this.comboOptions('LoraLoader', 'lora_name', signal);
  }

  async ensureLoras(fileNames: readonly string[], signal?: AbortSignal): Promise<void> {
    if (fileNames.length === 0) return;
    // ComfyUI rescans its model folders when asked for object_info: files placed a moment ago show up here. A file in
    // a subfolder is listed by its path below the folder, with the server's separator (`style\\ink.safetensors` on
    // Windows): the graph must use that exact spelling.
    const known = new Map((await this.listLoras(signal)).map((name) => [name.replaceAll('\\', '/'), name]));
    for (const [name, spelling] of known) this.spellings.set(name, spelling);
    const missing = fileNames.filter((name) => !known.has(name));
    if (missing.length > 0) {
      throw new RenderError(
        `The render server cannot see the LoRA file${missing.length === 1 ? '' : 's'} ${missing.join(', ')}. ` +
          'An admin should check that LORA_DIR is the loras folder ComfyUI reads.',
        'lora_missing',
        false,
      );
    }
  }

  /**
   * One image within one deadline (`imageTimeoutMs`) that covers every step: uploads, the socket, the prompt, the
   * wait, the download. Past it the prompt is interrupted and the try fails (retriable).
   */
  async renderImage(request: BackendImageRequest, options: BackendCallOptions): Promise<RenderedImage> {
    const deadline = AbortSignal.timeout(this.imageTimeoutMs);
    const signal = AbortSignal.any([options.signal, deadline]);
    try {
      return await this.renderWithin(request, { ...options, signal });
    } catch (error) {
      if (deadline.aborted && !options.signal.aborted) throw tooSlowError(NAME, this.imageTimeoutMs);
      throw error;
    }
  }

  private async renderWithin(request: BackendImageRequest, options: BackendCallOptions): Promise<RenderedImage> {
    const initImage = request.initImage
      ? await this.upload(request.initImage, `${request.tag}-init.png`, options.signal)
      : undefined;
    const mask =
      request.mask && initImage
        ? await this.upload(request.mask, `${request.tag}-mask.png`, options.signal)
        : undefined;
    const graph = buildComfyGraph({
      checkpoint: request.checkpoint,
      positive: request.positive,
      negative: request.negative,
      loras: request.loras.map((lora) => ({ ...lora, fileName: this.loraName(lora.fileName) })),
      // ComfyUI caches outputs of an identical graph: the seed is always set, so each render is its own.
      seed: request.seed,
      steps: request.steps,
      cfg: request.cfg,
      sampler: request.sampler,
      scheduler: request.scheduler,
      width: request.width,
      height: request.height,
      initImage,
      mask,
      denoise: request.denoise,
      filenamePrefix: `stylus/${request.tag}`,
    });
    const clientId = randomUUID();
    const socket = await this.openSocket(clientId, options.signal);
    try {
      // Not abortable: once ComfyUI has the prompt we must know its id to interrupt it (follow() does on abort).
      const promptId = await this.queuePrompt(graph, clientId);
      await this.follow(socket, promptId, options);
      const images = await this.outputImages(promptId, options.signal);
      const first = images[0];
      if (!first) {
        throw new RenderError('The render server finished but returned no image.', 'no_images', false);
      }
      return { png: await this.view(first, options.signal), seed: request.seed };
    } finally {
      socket.terminate();
    }
  }

  private loraName(fileName: string): string {
    return this.spellings.get(fileName) ?? fileName;
  }

  /** The choices of a node's combo input, in both shapes ComfyUI has used: [[...]] and ["COMBO", {options}]. */
  private async comboOptions(nodeClass: string, input: string, signal?: AbortSignal): Promise<string[]> {
    const response = await backendFetch(NAME, `${this.url}/object_info/${nodeClass}`, {
      signal,
      timeoutMs: this.requestTimeoutMs,
    });
    if (!response.ok) throw await this.httpError(response, `GET /object_info/${nodeClass}`);
    const info = (await response.json()) as Record<string, { input?: { required?: Record<string, unknown> } }>;
    const spec = info[nodeClass]?.input?.required?.[input];
    if (!Array.isArray(spec)) return [];
    const [first, second] = spec as [unknown, unknown];
    if (Array.isArray(first)) return first.filter((value): value is string => typeof value === 'string');
    const options = (second as { options?: unknown } | undefined)?.options;
    return Array.isArray(options) ? options.filter((value): value is string => typeof value === 'string') : [];
  }

  private async upload(bytes: Buffer, fileName: string, signal: AbortSignal): Promise<string> {
    const form = new FormData();
    form.append('image', new Blob([new Uint8Array(bytes)], { type: 'image/png' }), fileName);
    form.append('type', 'input');
    form.append('overwrite', 'true');
    const response = await backendFetch(NAME, `${this.url}/upload/image`, {
      method: 'POST',
      body: form,
      signal,
      timeoutMs: this.requestTimeoutMs,
    });
    if (!response.ok) throw await this.httpError(response, 'POST /upload/image');
    const uploaded = (await response.json()) as { name?: string; subfolder?: string };
    if (!uploaded.name)
      throw new RenderError('The render server did not accept the uploaded image.', 'backend_rejected', false);
    return uploaded.subfolder ? `${uploaded.subfolder}/${uploaded.name}` : uploaded.name;
  }

  private openSocket(clientId: string, signal: AbortSignal): Promise<WebSocket> {
    const wsUrl = `${this.url.replace(/^http/, 'ws')}/ws?clientId=${encodeURIComponent(clientId)}`;
    return new Promise((resolve, reject) => {
      // handshakeTimeout bounds the connection and the upgrade: a server that takes the request and never answers it
      // fails here instead of holding the render (and every render behind it) for ever.
      const socket = new WebSocket(wsUrl, { handshakeTimeout: this.connectTimeoutMs });
      const onAbort = () => fail(signal.reason);
      const fail = (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        socket.terminate();
        reject(signal.aborted ? signal.reason : unreachableError(NAME, this.url, error));
      };
      socket.once('open', () => {
        signal.removeEventListener('abort', onAbort);
        socket.off('error', fail);
        // A WebSocket 'error' with no listener is thrown and ends the process. After open, ws emits one for a bad
        // frame and then closes the socket: follow() reports the close, so the error itself only needs logging.
        socket.on('error', (error) => this.log.warn({ clientId, err: error }, 'ComfyUI WebSocket error'));
        resolve(socket);
      });
      socket.once('error', fail);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /**
   * POST /prompt, tried again (with backoff) when ComfyUI answers 5xx or refuses the connection: neither queued the
   * graph. A timeout is not tried again: the graph may be queued, and a second one would render twice.
   */
  private async queuePrompt(graph: ComfyGraph, clientId: string): Promise<string> {
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= this.promptTries;
      let response: Response;
      try {
        response = await backendFetch(NAME, `${this.url}/prompt`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ prompt: graph, client_id: clientId }),
          timeoutMs: this.requestTimeoutMs,
        });
      } catch (error) {
        if (last || !neverReached(error)) throw error;
        await this.backoff(attempt, 'refused');
        continue;
      }
      if (response.status < 500) return this.promptId(response);
      const body = await errorBody(response);
      this.log.warn({ status: response.status, body, attempt }, 'ComfyUI failed to queue the graph');
      if (last) {
        throw new RenderError(
          `The render server (ComfyUI) failed to take the job (HTTP ${response.status}), even after ${attempt} tries.`,
          'backend_unreachable',
          true,
        );
      }
      await this.backoff(attempt, `HTTP ${response.status}`);
    }
  }

  private async backoff(attempt: number, reason: string): Promise<void> {
    const waitMs = this.retryBaseMs * 2 ** (attempt - 1);
    this.log.warn({ attempt, waitMs, reason }, 'POST /prompt failed; trying again');
    await new Promise((resolve) => setTimeout(resolve, waitMs));
  }

  /** The prompt id of an accepted graph, or the refusal with ComfyUI's node errors. */
  private async promptId(response: Response): Promise<string> {
    const body = (await response.json().catch(() => ({}))) as {
      prompt_id?: string;
      error?: { message?: string; type?: string } | string;
      node_errors?: Record<string, NodeError>;
    };
    const nodeErrors = Object.entries(body.node_errors ?? {});
    if (!response.ok || !body.prompt_id || nodeErrors.length > 0) {
      const details = nodeErrors
        .flatMap(([id, node]) =>
          (node.errors ?? []).map((error) =>
            `${node.class_type ?? 'node'} ${id}: ${error.message ?? ''} ${error.details ?? ''}`.trim(),
          ),
        )
        .join('; ');
      const top = typeof body.error === 'string' ? body.error : body.error?.message;
      this.log.warn({ status: response.status, error: top, nodeErrors: body.node_errors }, 'ComfyUI refused the graph');
      throw new RenderError(
        `The render server refused the job: ${publicText(details || top || `HTTP ${response.status}`)}`.slice(0, 1500),
        'backend_rejected',
        false,
      );
    }
    return body.prompt_id;
  }

  /** Follows one prompt on the socket until it is done, failed or interrupted. Messages of other prompts are ignored. */
  private follow(socket: WebSocket, promptId: string, options: BackendCallOptions): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      // The signal carries the image's deadline too: on either, the GPU work stops, not only our wait.
      const onAbort = () => {
        // Stop the GPU work too, not only our wait: interrupt if running, delete if still in ComfyUI's queue.
        void this.interrupt(promptId);
        finish(options.signal.reason ?? new RenderCancelledError());
      };
      const finish = (error?: unknown) => {
        options.signal.removeEventListener('abort', onAbort);
        socket.off('message', onMessage);
        socket.off('close', onClose);
        if (error) reject(error);
        else resolve();
      };
      const onClose = () => finish(unreachableError(NAME, this.url, new Error('websocket closed during the render')));
      const onMessage = (raw: WebSocket.RawData, isBinary: boolean) => {
        if (isBinary) return; // preview frames
        let message: ComfyMessage;
        try {
          message = JSON.parse(raw.toString()) as ComfyMessage;
        } catch {
          return;
        }
        const data = message.data ?? {};
        if (data.prompt_id !== undefined && data.prompt_id !== promptId) return;
        switch (message.type) {
          case 'progress': {
            const value = Number(data.value);
            const max = Number(data.max);
            if (max > 0) options.onProgress?.(Math.min(1, value / max));
            break;
          }
          case 'executing':
            if (data.node === null && data.prompt_id === promptId) finish();
            break;
          case 'execution_success':
            finish();
            break;
          case 'execution_error': {
            const text = `${String(data.exception_type ?? '')}: ${String(data.exception_message ?? '')}`;
            this.log.warn(
              { promptId, nodeId: data.node_id, nodeType: data.node_type, error: text },
              'ComfyUI execution error',
            );
            finish(
              isOutOfMemory(text)
                ? outOfMemoryError(NAME, text)
                : new RenderError(
                    `The render failed on the server (${String(data.node_type ?? 'a node')}): ${publicText(String(data.exception_message ?? 'unknown error')).slice(0, 500)}`,
                    'backend_rejected',
                    true,
                  ),
            );
            break;
          }
          case 'execution_interrupted':
            finish(
              options.signal.aborted
                ? (options.signal.reason ?? new RenderCancelledError())
                : new RenderError('The render was interrupted on the server.', 'backend_rejected', true),
            );
            break;
        }
      };
      if (options.signal.aborted) return onAbort();
      options.signal.addEventListener('abort', onAbort, { once: true });
      socket.on('message', onMessage);
      socket.on('close', onClose);
    });
  }

  private async interrupt(promptId: string): Promise<void> {
    try {
      await backendFetch(NAME, `${this.url}/queue`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ delete: [promptId] }),
        timeoutMs: 5_000,
      });
      await backendFetch(NAME, `${this.url}/interrupt`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ prompt_id: promptId }),
        timeoutMs: 5_000,
      });
    } catch (error) {
      this.log.warn({ promptId, err: error }, 'could not interrupt ComfyUI');
    }
  }

  private async outputImages(promptId: string, signal: AbortSignal): Promise<HistoryImage[]> {
    const response = await backendFetch(NAME, `${this.url}/history/${encodeURIComponent(promptId)}`, {
      signal,
      timeoutMs: this.requestTimeoutMs,
    });
    if (!response.ok) throw await this.httpError(response, 'GET /history');
    const history = (await response.json()) as Record<
      string,
      { outputs?: Record<string, { images?: HistoryImage[] }> }
    >;
    const outputs = history[promptId]?.outputs ?? {};
    return Object.values(outputs)
      .flatMap((output) => output.images ?? [])
      .filter((image) => (image.type ?? 'output') === 'output');
  }

  private async view(image: HistoryImage, signal: AbortSignal): Promise<Buffer> {
    const query = new URLSearchParams({
      filename: image.filename,
      subfolder: image.subfolder ?? '',
      type: image.type ?? 'output',
    });
    const response = await backendFetch(NAME, `${this.url}/view?${query}`, {
      signal,
      timeoutMs: this.requestTimeoutMs,
    });
    if (!response.ok) throw await this.httpError(response, 'GET /view');
    return Buffer.from(await response.arrayBuffer());
  }

  private async httpError(response: Response, what: string): Promise<RenderError> {
    const body = await errorBody(response);
    this.log.warn({ status: response.status, body, what }, 'ComfyUI request failed');
    if (isOutOfMemory(body)) return outOfMemoryError(NAME, body);
    return new RenderError(
      `The render server answered ${what} with HTTP ${response.status}.`,
      response.status >= 500 ? 'backend_unreachable' : 'backend_rejected',
      response.status >= 500,
    );
  }
}
