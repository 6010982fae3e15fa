import type { Adapter, BaseFamily } from '../catalog/adapter.js';

/** One retrieved adapter, with its fused score and rank (0 = best). */
export interface Candidate {
  adapter: Adapter;
  score: number;
  rank: number;
}

/** An adapter chosen for a task, with the one-line reason shown to members. */
export interface TaskAdapter {
  adapterId: string;
  reason: string;
}

/** A task is an exact span or keyword of the prompt and the 0-3 adapters assigned to it. */
export interface ComposedTask {
  task: string;
  adapters: TaskAdapter[];
}

export type ComposerMode = 'llm' | 'offline';

export interface CompositionResult {
  tasks: ComposedTask[];
  composer: ComposerMode;
  /** Tokens of the LLM request (0 offline). */
  promptTokens: number;
  /** Why the LLM path was abandoned, when it was. */
  fallbackReason?: string;
}

/** An adapter switched on in one image, with its final weight (recommended x base / active in its task). */
export interface ActiveAdapter {
  adapterId: string;
  taskIndex: number;
  weight: number;
}

export interface ImageMask {
  index: number;
  seed: number;
  active: ActiveAdapter[];
}

/** What a render backend needs for one image. */
export interface ImagePrompt {
  index: number;
  seed: number;
  /** The positive prompt without LoRA tags (ComfyUI). */
  positive: string;
  /** The positive prompt with `<lora:file:w>` tags (AUTOMATIC1111/Forge). */
  a1111Prompt: string;
  loras: { adapterId: string; fileName: string; weight: number }[];
}

/** The inputs of one composition, independent of Discord. */
export interface ComposeRequest {
  prompt: string;
  base: BaseFamily;
  images: number;
  seed: number;
  allowNsfw?: boolean;
  allowRealPerson?: boolean;
  /** Most LoRAs on one image (a server's setting); STYLUS_MAX_ADAPTERS when absent. */
  maxAdapters?: number;
  /** Adapter ids never to use (blacklist, hidden in a server, below the community floor). */
  excludeIds?: readonly string[];
  /** Community prior per adapter id in [0, 1] (0.5 neutral); folded into ranking as a bounded boost. */
  communityScores?: ReadonlyMap<string, number>;
}

/** The full answer of the method for one prompt: what `stylus compose --json` prints, and what the bot shows. */
export interface CompositionPlan {
  prompt: string;
  base: BaseFamily;
  seed: number;
  tasks: ComposedTask[];
  /** Per task: other candidates a member may swap in (ids, best first, at most 24). */
  alternatives: string[][];
  adapters: Record<string, Adapter>;
  images: ImagePrompt[];
  composer: ComposerMode;
  promptTokens: number;
  fallbackReason?: string;
  candidateIds: string[];
  timingsMs: { retrieve: number; compose: number; total: number };
}
