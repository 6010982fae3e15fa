/** What a backend needs to render one image of a job (one backend call per image: each has its own LoRAs). */
export interface BackendImageRequest {
  /** Names a job's files after it (uploads, outputs) so they are easy to find and clean on the backend host. */
  tag: string;
  checkpoint: string;
  /** Prompt without LoRA tags (ComfyUI). */
  positive: string;
  /** Prompt with `<lora:name:weight>` tags (A1111/Forge). */
  a1111Prompt: string;
  negative: string;
  loras: readonly { fileName: string; weight: number }[];
  seed: number;
  steps: number;
  cfg: number;
  sampler: string;
  scheduler: string;
  width: number;
  height: number;
  denoise: number;
  /** Checked image bytes (PNG/JPEG/WebP) for image-to-image. */
  initImage?: Buffer;
  /** Checked mask bytes (white = repaint) for inpainting; only with `initImage`. */
  mask?: Buffer;
}

export interface RenderedImage {
  /** PNG bytes as the backend returned them. */
  png: Buffer;
  /** The seed the backend says it used (A1111's `info`), when it says. */
  seed?: number;
}

export interface BackendCallOptions {
  signal: AbortSignal;
  /** 0..1 within this image. */
  onProgress?: (fraction: number) => void;
}

export interface RenderBackend {
  readonly name: 'comfyui' | 'a1111';
  /** Checkpoint names the backend can load (compared with CHECKPOINT_<FAMILY> at worker start). */
  listCheckpoints(signal?: AbortSignal): Promise<string[]>;
  /** LoRA file names (`x.safetensors`) the backend sees in its folder. */
  listLoras(signal?: AbortSignal): Promise<string[]>;
  /** Makes the backend see files just placed in its folder; throws RenderError('lora_missing') for any it cannot. */
  ensureLoras(fileNames: readonly string[], signal?: AbortSignal): Promise<void>;
  renderImage(request: BackendImageRequest, options: BackendCallOptions): Promise<RenderedImage>;
}

/** Whether a configured checkpoint is in a backend's list (A1111 titles carry a hash suffix: "x.safetensors [abc]"). */
export function checkpointAvailable(available: readonly string[], wanted: string): boolean {
  const normalise = (name: string) =>
    name
      .replace(/\s*\[[0-9a-f]+\]$/i, '')
      .replaceAll('\\', '/')
      .toLowerCase();
  const target = normalise(wanted);
  const stem = target.replace(/\.(safetensors|ckpt)$/, '');
  return available.some((name) => {
    const candidate = normalise(name);
    return (
      candidate === target ||
      candidate.replace(/\.(safetensors|ckpt)$/, '') === stem ||
      candidate.endsWith(`/${target}`)
    );
  });
}
