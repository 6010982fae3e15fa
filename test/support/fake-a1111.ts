import { readdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import sharp from 'sharp';
import { makePng } from './fake-comfyui.js';

/**
 * A loopback AUTOMATIC1111/Forge API (/sdapi/v1): sd-models, loras (a snapshot refreshed only by POST refresh-loras,
 * as the Lora extension does), txt2img / img2img returning base64 PNGs and `info` as a JSON string, progress,
 * interrupt, and errors shaped like modules/api/api.py's handler: `{error, detail, body, errors}`.
 * Like A1111, an unknown `<lora:name:w>` tag is skipped without an error (recorded in `skippedLoras`). Like its Lora
 * extension (networks.py), files are found in subfolders too and named by their stem alone: of two files with one
 * stem the one listed last wins, and `loaded` records which file each tag loaded.
 */

export type A1111Behaviour = 'ok' | 'oom' | 'no_images' | 'hang';

export interface RecordedA1111Request {
  method: string;
  path: string;
  body: Record<string, unknown>;
}

export class FakeA1111 {
  readonly requests: RecordedA1111Request[] = [];
  readonly skippedLoras: string[] = [];
  readonly loaded: string[] = [];
  models = [{ title: 'sd_xl_base_1.0.safetensors [31e35c80fc]', model_name: 'sd_xl_base_1.0', hash: '31e35c80fc' }];
  /** LoRA names known besides the files in `loraDir`. */
  loras: string[] = [];
  behaviour: A1111Behaviour = 'ok';
  stepDelayMs = 2;
  /** How long GET /sdapi/v1/progress takes to answer (a busy server answers late); the value is read on arrival. */
  progressDelayMs = 0;
  /** Network name -> file, as available_networks. */
  private known = new Map<string, string>();
  private progress = 0;
  private interrupted = false;

  private constructor(
    private readonly server: Server,
    readonly url: string,
    readonly loraDir: string | undefined,
  ) {
    this.refresh();
  }

  static async start(options: { loraDir?: string } = {}): Promise<FakeA1111> {
    let fake: FakeA1111 | undefined;
    const server = createServer((req, res) => {
      void fake?.handle(req, res).catch((error: unknown) => {
        apiError(res, 500, 'Exception', String(error));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    fake = new FakeA1111(server, `http://127.0.0.1:${port}`, options.loraDir);
    return fake;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  requestsTo(method: string, path: string): RecordedA1111Request[] {
    return this.requests.filter((request) => request.method === method && request.path === path);
  }

  private refresh(): void {
    this.known = new Map(this.loras.map((name) => [name, `/models/Lora/${name}.safetensors`]));
    const loraDir = this.loraDir;
    if (!loraDir) return;
    const files = readdirSync(loraDir, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.safetensors'))
      .sort();
    for (const file of files) this.known.set(path.basename(file, '.safetensors'), path.join(loraDir, file));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    const method = req.method ?? 'GET';
    this.requests.push({ method, path: url.pathname, body });

    switch (`${method} ${url.pathname}`) {
      case 'GET /sdapi/v1/sd-models': {
        send(
          res,
          200,
          this.models.map((model) => ({
            ...model,
            sha256: null,
            filename: `/models/Stable-diffusion/${model.title.replace(/ \[.*$/, '')}`,
            config: null,
          })),
        );
        return;
      }
      case 'GET /sdapi/v1/loras': {
        send(
          res,
          200,
          [...this.known].map(([name, file]) => ({ name, alias: name, path: file, metadata: {} })),
        );
        return;
      }
      case 'POST /sdapi/v1/refresh-loras':
        this.refresh();
        {
          send(res, 200, null);
          return;
        }
      case 'GET /sdapi/v1/progress': {
        const progress = this.progress;
        if (this.progressDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.progressDelayMs));
        send(res, 200, {
          progress,
          eta_relative: 0,
          state: { skipped: false, interrupted: this.interrupted, job: '', job_count: 0 },
          current_image: null,
          textinfo: null,
        });
        return;
      }
      case 'POST /sdapi/v1/interrupt':
        this.interrupted = true;
        {
          send(res, 200, null);
          return;
        }
      case 'POST /sdapi/v1/txt2img':
      case 'POST /sdapi/v1/img2img': {
        await this.generate(url.pathname.endsWith('img2img'), body, res);
        return;
      }
      default: {
        apiError(res, 404, 'HTTPException', 'Not Found');
        return;
      }
    }
  }

  private async generate(img2img: boolean, body: Record<string, unknown>, res: ServerResponse): Promise<void> {
    if (typeof body.prompt !== 'string') {
      apiError(res, 422, 'RequestValidationError', 'prompt: field required');
      return;
    }
    let width = Number(body.width ?? 512);
    let height = Number(body.height ?? 512);
    if (img2img) {
      const init = Array.isArray(body.init_images) ? body.init_images[0] : undefined;
      try {
        const meta = await sharp(Buffer.from(String(init), 'base64')).metadata();
        width = meta.width ?? width;
        height = meta.height ?? height;
      } catch {
        apiError(res, 500, 'HTTPException', 'Invalid encoded image');
        return;
      }
    }
    const model = (body.override_settings as { sd_model_checkpoint?: string } | undefined)?.sd_model_checkpoint;
    if (
      model &&
      !this.models.some((candidate) => candidate.title.startsWith(model) || candidate.model_name === model)
    ) {
      apiError(res, 500, 'RuntimeError', `checkpoint ${model} not found`);
      return;
    }
    for (const match of body.prompt.matchAll(/<lora:([^:>]+):[^>]*>/g)) {
      const name = match[1] ?? '';
      const file = this.known.get(name);
      if (file) this.loaded.push(file);
      else this.skippedLoras.push(name);
    }
    if (this.behaviour === 'oom') {
      apiError(
        res,
        500,
        'OutOfMemoryError',
        'CUDA out of memory. Tried to allocate 2.00 GiB (GPU 0; 8.00 GiB total capacity)',
      );
      return;
    }
    this.interrupted = false;
    const steps = Number(body.steps ?? 20);
    for (let step = 1; step <= steps || this.behaviour === 'hang'; step++) {
      if (this.interrupted) break;
      this.progress = Math.min(1, step / steps);
      await new Promise((resolve) => setTimeout(resolve, this.stepDelayMs));
    }
    this.progress = 0;
    const seed = Number(body.seed ?? -1) >= 0 ? Number(body.seed) : 1234;
    const images = this.behaviour === 'no_images' ? [] : [(await makePng(width, height, seed)).toString('base64')];
    send(res, 200, {
      images,
      parameters: body,
      info: JSON.stringify({
        prompt: body.prompt,
        all_prompts: [body.prompt],
        negative_prompt: body.negative_prompt ?? '',
        seed,
        all_seeds: [seed],
        subseed: 42,
        width,
        height,
        sampler_name: body.sampler_name,
        cfg_scale: body.cfg_scale,
        steps,
        sd_model_name: model,
        denoising_strength: body.denoising_strength ?? null,
      }),
    });
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** modules/api/api.py handle_exception: `{error: type(e).__name__, detail, body, errors: str(e)}`. */
function apiError(res: ServerResponse, status: number, error: string, message: string): void {
  send(res, status, { error, detail: status === 500 ? '' : message, body: '', errors: message });
}
