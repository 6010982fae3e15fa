import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import sharp from 'sharp';
import { type WebSocket, WebSocketServer } from 'ws';

/**
 * A loopback ComfyUI: the HTTP routes and WebSocket messages of ComfyUI's server.py / execution.py that a client
 * uses (upload, prompt with validation and node_errors, /ws progress messages, history, view, object_info, interrupt),
 * returning real PNG bytes. Messages go only to the socket whose clientId sent the prompt, as in ComfyUI: a client
 * that connects after POST /prompt misses them.
 */

export type ComfyBehaviour = 'ok' | 'oom' | 'no_images' | 'hang' | 'node_error';

interface ComfyNode {
  class_type: string;
  inputs: Record<string, unknown>;
}

export interface RecordedComfyRequest {
  method: string;
  path: string;
  body: unknown;
  /** Order among all requests and socket connections. */
  seq: number;
}

interface HistoryEntry {
  prompt: [number, string, Record<string, ComfyNode>, Record<string, unknown>, string[]];
  outputs: Record<string, { images: { filename: string; subfolder: string; type: string }[] }>;
  status: { status_str: string; completed: boolean; messages: unknown[] };
}

const KNOWN_NODES = new Set([
  'CheckpointLoaderSimple',
  'LoraLoader',
  'CLIPTextEncode',
  'EmptyLatentImage',
  'KSampler',
  'VAEDecode',
  'VAEEncode',
  'SaveImage',
  'LoadImage',
  'LoadImageMask',
  'SetLatentNoiseMask',
]);

export class FakeComfyUI {
  readonly requests: RecordedComfyRequest[] = [];
  readonly connections: { clientId: string; seq: number }[] = [];
  /** Graphs accepted by POST /prompt, by prompt id. */
  readonly prompts = new Map<string, Record<string, ComfyNode>>();
  checkpoints = ['sd_xl_base_1.0.safetensors', 'v1-5-pruned-emaonly.safetensors'];
  /** LoRA files present besides those in `loraDir`. */
  loras: string[] = [];
  behaviour: ComfyBehaviour = 'ok';
  /** `hang`: the WebSocket upgrade is read and never answered (a proxy or a wedged server): the socket never opens. */
  socketBehaviour: 'ok' | 'hang' = 'ok';
  /** How many of the next POST /prompt answer HTTP 500 as aiohttp does for an exception in a handler. */
  failPrompts = 0;
  stepDelayMs = 2;
  /** Incompressible pixels (to test upload limits) instead of a flat colour. */
  noisyImages = false;
  /** The seed of an output's pixels (default: the KSampler seed); tests that must tell two renders apart vary it. */
  outputSeed: (graph: Record<string, ComfyNode>, seed: number) => number = (_graph, seed) => seed;
  private readonly uploads = new Map<string, Buffer>();
  private readonly outputs = new Map<string, Buffer>();
  private readonly history = new Map<string, HistoryEntry>();
  private readonly sockets = new Map<string, WebSocket>();
  /** The TCP sockets under the WebSockets, to write frames ws would refuse to send. */
  private readonly rawSockets = new Map<string, Duplex>();
  private readonly interrupted = new Set<string>();
  private heldUpgrades = new Set<Duplex>();
  private running: string | undefined;
  private seq = 0;
  private counter = 0;

  private constructor(
    private readonly server: Server,
    private readonly wss: WebSocketServer,
    readonly url: string,
    readonly loraDir: string | undefined,
  ) {}

  /** `port`: listen there (a backend that comes back on its old address); default any free port. */
  static async start(options: { loraDir?: string; port?: number } = {}): Promise<FakeComfyUI> {
    let fake: FakeComfyUI | undefined;
    const server = createServer((req, res) => {
      void fake?.handle(req, res).catch((error: unknown) => json(res, 500, { error: String(error) }));
    });
    const wss = new WebSocketServer({ noServer: true });
    const held = new Set<Duplex>();
    server.on('upgrade', (request, socket, head) => {
      if (new URL(request.url ?? '/', 'http://x').pathname !== '/ws') return socket.destroy();
      if (fake?.socketBehaviour === 'hang') {
        held.add(socket);
        socket.on('close', () => held.delete(socket));
        return;
      }
      wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
    });
    server.on('close', () => {
      for (const socket of held) socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    fake = new FakeComfyUI(server, wss, `http://127.0.0.1:${port}`, options.loraDir);
    fake.heldUpgrades = held;
    wss.on('connection', (socket, request) => fake?.onSocket(socket, request));
    return fake;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets.values()) socket.terminate();
    for (const socket of this.heldUpgrades) socket.destroy();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  requestsTo(method: string, pathPrefix: string): RecordedComfyRequest[] {
    return this.requests.filter((request) => request.method === method && request.path.startsWith(pathPrefix));
  }

  /**
   * Writes a frame with a reserved opcode on every open socket, as a broken proxy or a crashed server might: the
   * client's WebSocket must treat it as a lost connection.
   */
  sendMalformedFrames(): void {
    for (const raw of this.rawSockets.values()) raw.write(Buffer.from([0x83, 0x00]));
  }

  uploaded(name: string): Buffer | undefined {
    return this.uploads.get(name);
  }

  /** As folder_paths.get_filename_list('loras'): every file below the folder by its relative path (`/` here). */
  private loraFiles(): string[] {
    const onDisk = this.loraDir
      ? readdirSync(this.loraDir, { recursive: true, encoding: 'utf8' })
          .filter((file) => file.endsWith('.safetensors'))
          .map((file) => file.split(path.sep).join('/'))
      : [];
    return [...new Set([...this.loras, ...onDisk])].sort();
  }

  private onSocket(socket: WebSocket, request: IncomingMessage): void {
    const url = new URL(request.url ?? '/', this.url);
    const clientId = url.searchParams.get('clientId') ?? randomUUID().replaceAll('-', '');
    this.connections.push({ clientId, seq: ++this.seq });
    this.sockets.set(clientId, socket);
    this.rawSockets.set(clientId, request.socket);
    socket.on('close', () => {
      if (this.rawSockets.get(clientId) === request.socket) this.rawSockets.delete(clientId);
      if (this.sockets.get(clientId) === socket) this.sockets.delete(clientId);
    });
    socket.send(
      JSON.stringify({ type: 'status', data: { status: { exec_info: { queue_remaining: 0 } }, sid: clientId } }),
    );
  }

  private send(clientId: string, type: string, data: Record<string, unknown>): void {
    this.sockets.get(clientId)?.send(JSON.stringify({ type, data }));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const contentType = req.headers['content-type'] ?? '';
    let body: unknown;
    let form: FormData | undefined;
    if (contentType.startsWith('multipart/form-data')) {
      form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
      body = Object.fromEntries(
        [...form.entries()].map(([key, value]) => [key, typeof value === 'string' ? value : '<file>']),
      );
    } else if (raw.length > 0) {
      body = JSON.parse(raw.toString('utf8')) as unknown;
    }
    const method = req.method ?? 'GET';
    this.requests.push({ method, path: url.pathname + url.search, body, seq: ++this.seq });

    if (method === 'GET' && url.pathname.startsWith('/object_info/')) {
      this.objectInfo(url, res);
      return;
    }
    if (method === 'GET' && url.pathname === '/models/loras') {
      json(res, 200, this.loraFiles());
      return;
    }
    if (method === 'POST' && url.pathname === '/upload/image' && form) {
      await this.upload(form, res);
      return;
    }
    if (method === 'POST' && url.pathname === '/prompt' && this.failPrompts > 0) {
      this.failPrompts--;
      res
        .writeHead(500, { 'content-type': 'text/plain; charset=utf-8' })
        .end('500 Internal Server Error\n\nServer got itself in trouble');
      return;
    }
    if (method === 'POST' && url.pathname === '/prompt') {
      this.prompt(body as Record<string, unknown>, res);
      return;
    }
    if (method === 'GET' && url.pathname.startsWith('/history/')) {
      const id = decodeURIComponent(url.pathname.slice('/history/'.length));
      const entry = this.history.get(id);
      json(res, 200, entry ? { [id]: entry } : {});
      return;
    }
    if (method === 'GET' && url.pathname === '/view') {
      const key = `${url.searchParams.get('type')}/${url.searchParams.get('subfolder')}/${url.searchParams.get('filename')}`;
      const image = this.outputs.get(key);
      if (!image) {
        json(res, 404, {});
        return;
      }
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': image.length });
      res.end(image);
      return;
    }
    if (method === 'POST' && url.pathname === '/interrupt') {
      const id = (body as { prompt_id?: string } | undefined)?.prompt_id ?? this.running;
      if (id && id === this.running) this.interrupted.add(id);
      res.writeHead(200).end();
      return;
    }
    if (method === 'POST' && url.pathname === '/queue') {
      res.writeHead(200).end();
      return;
    }
    json(res, 404, { error: 'not found' });
  }

  private objectInfo(url: URL, res: ServerResponse): void {
    const node = decodeURIComponent(url.pathname.slice('/object_info/'.length));
    const required: Record<string, unknown> = {};
    if (node === 'CheckpointLoaderSimple') required.ckpt_name = [[...this.checkpoints], { tooltip: 'checkpoint' }];
    else if (node === 'LoraLoader') {
      Object.assign(required, {
        model: ['MODEL'],
        clip: ['CLIP'],
        lora_name: [this.loraFiles(), { tooltip: 'The name of the LoRA.' }],
        strength_model: ['FLOAT', { default: 1, min: -100, max: 100, step: 0.01 }],
        strength_clip: ['FLOAT', { default: 1, min: -100, max: 100, step: 0.01 }],
      });
    } else if (!KNOWN_NODES.has(node)) {
      json(res, 200, {});
      return;
    }
    json(res, 200, {
      [node]: {
        input: { required },
        output: [],
        name: node,
        display_name: node,
        category: 'loaders',
        output_node: false,
      },
    });
  }

  private async upload(form: FormData, res: ServerResponse): Promise<void> {
    const file = form.get('image');
    if (!(file instanceof Blob)) {
      json(res, 400, {});
      return;
    }
    const name = (file as File).name || `upload-${++this.counter}.png`;
    this.uploads.set(name, Buffer.from(await file.arrayBuffer()));
    json(res, 200, { name, subfolder: '', type: 'input' });
  }

  private prompt(body: Record<string, unknown>, res: ServerResponse): void {
    const graph = body.prompt as Record<string, ComfyNode> | undefined;
    const clientId = typeof body.client_id === 'string' ? body.client_id : '';
    if (!graph || typeof graph !== 'object') {
      json(res, 400, {
        error: { type: 'no_prompt', message: 'No prompt provided', details: '', extra_info: {} },
        node_errors: {},
      });
      return;
    }
    const nodeErrors: Record<string, unknown> = {};
    const fail = (id: string, node: ComfyNode, type: string, message: string, details: string) => {
      nodeErrors[id] = {
        errors: [{ type, message, details, extra_info: {} }],
        dependent_outputs: [],
        class_type: node.class_type,
      };
    };
    for (const [id, node] of Object.entries(graph)) {
      if (!KNOWN_NODES.has(node.class_type))
        fail(id, node, 'invalid_prompt', 'Cannot execute because node does not exist.', node.class_type);
      for (const [input, value] of Object.entries(node.inputs)) {
        if (Array.isArray(value) && !graph[String(value[0])])
          fail(id, node, 'invalid_input', 'Input links to a missing node', input);
      }
      if (node.class_type === 'LoraLoader' && !this.loraFiles().includes(String(node.inputs.lora_name))) {
        fail(
          id,
          node,
          'value_not_in_list',
          'Value not in list',
          `lora_name: '${String(node.inputs.lora_name)}' not in list`,
        );
      }
      if (node.class_type === 'CheckpointLoaderSimple' && !this.checkpoints.includes(String(node.inputs.ckpt_name))) {
        fail(
          id,
          node,
          'value_not_in_list',
          'Value not in list',
          `ckpt_name: '${String(node.inputs.ckpt_name)}' not in list`,
        );
      }
      if (
        (node.class_type === 'LoadImage' || node.class_type === 'LoadImageMask') &&
        !this.uploads.has(String(node.inputs.image))
      ) {
        fail(id, node, 'custom_validation_failed', 'Invalid image file', String(node.inputs.image));
      }
      if (node.class_type === 'KSampler' && typeof node.inputs.seed !== 'number') {
        fail(id, node, 'required_input_missing', 'Required input is missing', 'seed');
      }
    }
    if (this.behaviour === 'node_error' || Object.keys(nodeErrors).length > 0) {
      json(res, 400, {
        error: {
          type: 'prompt_outputs_failed_validation',
          message: 'Prompt outputs failed validation',
          details: '',
          extra_info: {},
        },
        node_errors:
          Object.keys(nodeErrors).length > 0
            ? nodeErrors
            : {
                '1': { errors: [{ type: 'x', message: 'forced', details: '' }], class_type: 'CheckpointLoaderSimple' },
              },
      });
      return;
    }
    const promptId = randomUUID();
    this.prompts.set(promptId, graph);
    json(res, 200, { prompt_id: promptId, number: this.counter++, node_errors: {} });
    void this.execute(promptId, clientId, graph);
  }

  private async execute(promptId: string, clientId: string, graph: Record<string, ComfyNode>): Promise<void> {
    await delay(5);
    this.running = promptId;
    const entry: HistoryEntry = {
      prompt: [this.counter, promptId, graph, { client_id: clientId }, []],
      outputs: {},
      status: { status_str: 'success', completed: true, messages: [] },
    };
    this.send(clientId, 'execution_start', { prompt_id: promptId, timestamp: Date.now() });
    this.send(clientId, 'execution_cached', { nodes: [], prompt_id: promptId, timestamp: Date.now() });
    const sampler = Object.entries(graph).find(([, node]) => node.class_type === 'KSampler');
    const steps = Number(sampler?.[1].inputs.steps ?? 1);
    for (const [id, node] of Object.entries(graph)) {
      this.send(clientId, 'executing', { node: id, display_node: id, prompt_id: promptId });
      if (node.class_type === 'KSampler') {
        if (this.behaviour === 'oom') {
          this.running = undefined;
          this.send(clientId, 'execution_error', {
            prompt_id: promptId,
            node_id: id,
            node_type: 'KSampler',
            executed: [],
            exception_message: 'Allocation on device 0 would exceed allowed memory. (out of memory)',
            exception_type: 'torch.OutOfMemoryError',
            traceback: [],
            current_inputs: {},
            current_outputs: {},
          });
          return;
        }
        for (let step = 1; step <= steps || this.behaviour === 'hang'; step++) {
          if (this.interrupted.has(promptId)) {
            this.running = undefined;
            this.send(clientId, 'execution_interrupted', {
              prompt_id: promptId,
              node_id: id,
              node_type: 'KSampler',
              executed: [],
            });
            return;
          }
          await delay(this.stepDelayMs);
          this.send(clientId, 'progress', { value: Math.min(step, steps), max: steps, prompt_id: promptId, node: id });
        }
      }
      if (node.class_type === 'SaveImage' && this.behaviour !== 'no_images') {
        const latent = Object.values(graph).find((candidate) => candidate.class_type === 'EmptyLatentImage');
        const width = Number(latent?.inputs.width ?? 64);
        const height = Number(latent?.inputs.height ?? 64);
        const seed = this.outputSeed(graph, Number(sampler?.[1].inputs.seed ?? 0));
        const filename = `${String(node.inputs.filename_prefix).split('/').pop()}_${String(++this.counter).padStart(5, '0')}_.png`;
        const subfolder = String(node.inputs.filename_prefix).split('/').slice(0, -1).join('/');
        this.outputs.set(`output/${subfolder}/${filename}`, await makePng(width, height, seed, this.noisyImages));
        entry.outputs[id] = { images: [{ filename, subfolder, type: 'output' }] };
        this.send(clientId, 'executed', { node: id, display_node: id, output: entry.outputs[id], prompt_id: promptId });
      }
    }
    this.history.set(promptId, entry);
    this.running = undefined;
    this.send(clientId, 'executing', { node: null, prompt_id: promptId });
    this.send(clientId, 'execution_success', { prompt_id: promptId, timestamp: Date.now() });
  }
}

/** A real PNG: a flat colour from the seed, or incompressible noise. */
export async function makePng(width: number, height: number, seed: number, noisy = false): Promise<Buffer> {
  if (noisy) {
    const pixels = Buffer.alloc(width * height * 3);
    let state = seed || 1;
    for (let i = 0; i < pixels.length; i++) {
      state = (state * 1103515245 + 12345) & 0x7fffffff;
      pixels[i] = state >> 16;
    }
    return sharp(pixels, { raw: { width, height, channels: 3 } })
      .png({ compressionLevel: 0 })
      .toBuffer();
  }
  const background = { r: (seed * 37) % 256, g: (seed * 91) % 256, b: (seed * 53) % 256 };
  return sharp({ create: { width, height, channels: 3, background } })
    .png()
    .toBuffer();
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
