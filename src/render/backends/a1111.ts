import { loraTagName } from '../../catalog/lora-file.js';
import type { Logger } from '../../log.js';
import { silentLogger } from '../../log.js';
import { RenderCancelledError, RenderError } from '../errors.js';
import { backendFetch, errorBody, isOutOfMemory, outOfMemoryError, publicText, tooSlowError } from './http.js';
import type { BackendCallOptions, BackendImageRequest, RenderBackend, RenderedImage } from './types.js';

const NAME = 'AUTOMATIC1111';

/** ComfyUI-style sampler names (what RENDER_SAMPLER holds) to A1111's display names. */
const SAMPLERS: Record<string, string> = {
  euler: 'Euler',
  euler_ancestral: 'Euler a',
  heun: 'Heun',
  dpm_2: 'DPM2',
  dpm_2_ancestral: 'DPM2 a',
  lms: 'LMS',
  dpmpp_2m: 'DPM++ 2M',
  dpmpp_sde: 'DPM++ SDE',
  dpmpp_2m_sde: 'DPM++ 2M SDE',
  dpmpp_2s_ancestral: 'DPM++ 2S a',
  ddim: 'DDIM',
  uni_pc: 'UniPC',
  lcm: 'LCM',
};

export interface A1111Options {
  url: string;
  log?: Logger;
  /** Longest one image may take (10 min): then A1111 is interrupted and the try fails. */
  imageTimeoutMs?: number;
  /** Longest any other request may take (30 s). */
  requestTimeoutMs?: number;
  /** How often to ask GET /sdapi/v1/progress while an image renders. */
  progressPollMs?: number;
}

/**
 * AUTOMATIC1111 / Forge over /sdapi/v1. LoRAs go into the prompt as `<lora:name:weight>` tags; A1111 silently skips
 * a tag whose name it does not know, so every name is confirmed with GET /sdapi/v1/loras (after POST refresh-loras).
 */
export class A1111Backend implements RenderBackend {
  readonly name = 'a1111';
  private readonly url: string;
  private readonly log: Logger;
  private readonly imageTimeoutMs: number;
  private readonly progressPollMs: number;
  private readonly requestTimeoutMs: number;

  constructor(options: A1111Options) {
    this.url = options.url.replace(/\/+$/, '');
    this.log = options.log ?? silentLogger;
    this.imageTimeoutMs = options.imageTimeoutMs ?? 10 * 60_000;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.progressPollMs = options.progressPollMs ?? 1_000;
  }

  async listCheckpoints(signal?: AbortSignal): Promise<string[]> {
    const models = await this.getJson<{ title?: string; model_name?: string; filename?: string }[]>(
      '/sdapi/v1/sd-models',
      signal,
    );
    return models.flatMap((model) =>
      [model.title, model.model_name, model.filename?.split(/[\\/]/).pop()].filter(
        (name): name is string => typeof name === 'string' && name !== '',
      ),
    );
  }

  async listLoras(signal?: AbortSignal): Promise<string[]> {
    const loras = await this.loraEntries(signal);
    return loras.flatMap((lora) => {
      const file = lora.path?.split(/[\\/]/).pop();
      return [lora.name, lora.alias, file].filter((name): name is string => typeof name === 'string' && name !== '');
    });
  }

  /**
   * A1111's Lora extension finds files in subfolders too but names each by its stem alone: `<lora:ink:w>` loads one of
   * `style/ink.safetensors` and `other/ink.safetensors`, whichever it listed last. A name whose file is not the one the
   * job means is refused, rather than rendering another adapter's style under this one's name.
   */
  async ensureLoras(fileNames: readonly string[], signal?: AbortSignal): Promise<void> {
    if (fileNames.length === 0) return;
    const wanted = fileNames.map((fileName) => loraTagName(fileName));
    let entries = await this.loraEntries(signal);
    const names = () => new Set(entries.flatMap((entry) => [entry.name, entry.alias]));
    if (wanted.some((name) => !names().has(name))) {
      const refreshed = await backendFetch(NAME, `${this.url}/sdapi/v1/refresh-loras`, {
        method: 'POST',
        signal,
        timeoutMs: this.requestTimeoutMs,
      });
      if (!refreshed.ok) throw await this.httpError(refreshed, 'POST /sdapi/v1/refresh-loras');
      entries = await this.loraEntries(signal);
    }
    const shadowed = fileNames.filter((fileName) => {
      const file = entries.find((entry) => entry.name === loraTagName(fileName))?.path?.replaceAll('\\', '/');
      return file !== undefined && !file.toLowerCase().endsWith(`/${fileName.toLowerCase()}`);
    });
    if (shadowed.length > 0) {
      throw new RenderError(
        `AUTOMATIC1111 names LoRAs by file name alone, so it cannot load ${shadowed.join(', ')}: another file in its ` +
          'LoRA folder has the same name. An admin can rename one of them.',
        'lora_missing',
        false,
      );
    }
    const known = names();
    const missing = wanted.filter((name) => !known.has(name));
    if (missing.length > 0) {
      throw new RenderError(
        `The render server does not know the LoRA${missing.length === 1 ? '' : 's'} ${missing.join(', ')} even after a refresh. ` +
          'An admin should check that LORA_DIR is the Lora folder of AUTOMATIC1111/Forge.',
        'lora_missing',
        false,
      );
    }
  }

  async renderImage(request: BackendImageRequest, options: BackendCallOptions): Promise<RenderedImage> {
    const img2img = request.initImage !== undefined;
    const body: Record<string, unknown> = {
      prompt: request.a1111Prompt,
      negative_prompt: request.negative,
      seed: request.seed,
      steps: request.steps,
      cfg_scale: request.cfg,
      width: request.width,
      height: request.height,
      sampler_name: SAMPLERS[request.sampler] ?? request.sampler,
      batch_size: 1,
      n_iter: 1,
      override_settings: { sd_model_checkpoint: request.checkpoint },
      override_settings_restore_afterwards: false,
      send_images: true,
      save_images: false,
    };
    if (img2img && request.initImage) {
      body.init_images = [request.initImage.toString('base64')];
      body.denoising_strength = request.denoise < 1 ? request.denoise : 0.75;
      if (request.mask) {
        body.mask = request.mask.toString('base64');
        body.inpainting_fill = 1; // start from the original pixels under the mask
        body.inpaint_full_res = false;
        body.mask_blur = 4;
      }
    }
    // One deadline for the image; on it (or a Cancel) A1111 is told to stop, so the GPU is not left rendering.
    const deadline = AbortSignal.timeout(this.imageTimeoutMs);
    const signal = AbortSignal.any([options.signal, deadline]);
    const stopProgress = this.pollProgress(options);
    const onAbort = () => void this.interrupt();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const response = await backendFetch(NAME, `${this.url}/sdapi/v1/${img2img ? 'img2img' : 'txt2img'}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal,
        timeoutMs: this.imageTimeoutMs + 1_000,
      });
      if (!response.ok) throw await this.httpError(response, `POST /sdapi/v1/${img2img ? 'img2img' : 'txt2img'}`);
      const result = (await response.json()) as { images?: unknown[]; info?: unknown };
      if (options.signal.aborted) throw options.signal.reason ?? new RenderCancelledError();
      const first = result.images?.find((image): image is string => typeof image === 'string' && image.length > 0);
      if (!first) throw new RenderError('The render server finished but returned no image.', 'no_images', false);
      const info = parseInfo(result.info);
      if (info.seed !== undefined && info.seed !== request.seed) {
        this.log.warn({ asked: request.seed, used: info.seed }, 'A1111 used another seed than asked');
      }
      return { png: Buffer.from(first.replace(/^data:image\/\w+;base64,/, ''), 'base64'), seed: info.seed };
    } catch (error) {
      if (deadline.aborted && !options.signal.aborted) throw tooSlowError(NAME, this.imageTimeoutMs);
      throw error;
    } finally {
      stopProgress();
      signal.removeEventListener('abort', onAbort);
    }
  }

  private async loraEntries(signal?: AbortSignal): Promise<{ name?: string; alias?: string; path?: string }[]> {
    return this.getJson<{ name?: string; alias?: string; path?: string }[]>('/sdapi/v1/loras', signal);
  }

  private pollProgress(options: BackendCallOptions): () => void {
    if (!options.onProgress) return () => {};
    // An answer that arrives after the image returned is dropped: it would put "Rendering: 60%" back on a status
    // message that already says the render is done. One request at a time: a busy server is not piled on.
    let stopped = false;
    let asking = false;
    const timer = setInterval(() => {
      if (asking) return;
      asking = true;
      void this.getJson<{ progress?: number }>('/sdapi/v1/progress?skip_current_image=true', options.signal)
        .then((progress) => {
          if (stopped || typeof progress.progress !== 'number') return;
          options.onProgress?.(Math.max(0, Math.min(1, progress.progress)));
        })
        .catch(() => undefined)
        .finally(() => {
          asking = false;
        });
    }, this.progressPollMs);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }

  private async interrupt(): Promise<void> {
    try {
      await backendFetch(NAME, `${this.url}/sdapi/v1/interrupt`, { method: 'POST', timeoutMs: 5_000 });
    } catch (error) {
      this.log.warn({ err: error }, 'could not interrupt AUTOMATIC1111');
    }
  }

  private async getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
    const response = await backendFetch(NAME, `${this.url}${path}`, { signal, timeoutMs: this.requestTimeoutMs });
    if (!response.ok) throw await this.httpError(response, `GET ${path}`);
    return (await response.json()) as T;
  }

  /** A1111's API errors are `{error, detail, body, errors}` (modules/api/api.py handle_exception). */
  private async httpError(response: Response, what: string): Promise<RenderError> {
    const text = await errorBody(response);
    let detail = text;
    try {
      const parsed = JSON.parse(text) as { error?: string; detail?: unknown; errors?: string };
      detail = [
        parsed.error,
        typeof parsed.detail === 'string' ? parsed.detail : JSON.stringify(parsed.detail),
        parsed.errors,
      ]
        .filter((part) => part && part !== '""')
        .join(': ');
    } catch {
      // not JSON: keep the text
    }
    this.log.warn({ status: response.status, detail, what }, 'A1111 request failed');
    if (isOutOfMemory(detail)) return outOfMemoryError(NAME, detail);
    if (response.status === 422 || response.status === 400 || response.status === 404) {
      return new RenderError(
        `The render server refused the job: ${publicText(detail).slice(0, 500)}`,
        'backend_rejected',
        false,
      );
    }
    return new RenderError(
      `The render server answered ${what} with HTTP ${response.status}.`,
      'backend_unreachable',
      response.status >= 500,
    );
  }
}

/** A1111 returns `info` as a JSON string (seed, all_seeds, sd_model_name...). */
export function parseInfo(info: unknown): { seed?: number; raw: Record<string, unknown> } {
  if (typeof info !== 'string') return { raw: {} };
  try {
    const raw = JSON.parse(info) as Record<string, unknown>;
    return { seed: typeof raw.seed === 'number' ? raw.seed : undefined, raw };
  } catch {
    return { raw: {} };
  }
}
