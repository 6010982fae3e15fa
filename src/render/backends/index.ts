import type { Config } from '../../config.js';
import type { Logger } from '../../log.js';
import { A1111Backend } from './a1111.js';
import { ComfyUiBackend } from './comfyui.js';
import type { RenderBackend } from './types.js';

/** ComfyUI when COMFYUI_URL is set, else AUTOMATIC1111/Forge when A1111_URL is set, else none. */
export function createBackend(config: Config, log: Logger): RenderBackend | undefined {
  if (config.COMFYUI_URL) return new ComfyUiBackend({ url: config.COMFYUI_URL, log });
  if (config.A1111_URL) return new A1111Backend({ url: config.A1111_URL, log });
  return undefined;
}
