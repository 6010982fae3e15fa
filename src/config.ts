import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { CHECKPOINT_FAMILIES, parseFamilyName } from './catalog/adapter.js';

/** Empty strings (as in `KEY=` lines of .env.example) count as "not set". */
function optionalString() {
  return z
    .string()
    .optional()
    .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));
}

function url(defaultValue?: string) {
  const base = z
    .string()
    .trim()
    .url()
    .transform((value) => value.replace(/\/+$/, ''));
  return defaultValue === undefined
    ? optionalString().pipe(base.optional())
    : optionalString()
        .pipe(base.optional())
        .transform((value) => value ?? defaultValue);
}

function int(defaultValue: number, min: number, max: number) {
  return optionalString()
    .transform((value) => (value === undefined ? defaultValue : Number(value)))
    .pipe(z.number().int().min(min).max(max));
}

function number(defaultValue: number, min: number, max: number) {
  return optionalString()
    .transform((value) => (value === undefined ? defaultValue : Number(value)))
    .pipe(z.number().min(min).max(max));
}

function bool(defaultValue: boolean) {
  return optionalString().transform((value, ctx) => {
    if (value === undefined) return defaultValue;
    if (/^(1|true|yes|on)$/i.test(value)) return true;
    if (/^(0|false|no|off)$/i.test(value)) return false;
    ctx.addIssue({ code: 'custom', message: 'expected true or false' });
    return z.NEVER;
  });
}

const envSchema = z.object({
  NODE_ENV: optionalString(),
  DATA_DIR: optionalString().transform((value) => path.resolve(value ?? 'data')),
  LOG_LEVEL: optionalString().pipe(
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ),

  // OpenAI-compatible endpoint (OpenAI, Ollama, vLLM, LM Studio) for composer, refiner and embeddings.
  OPENAI_API_KEY: optionalString(),
  OPENAI_BASE_URL: url('https://api.openai.com/v1'),
  OPENAI_TIMEOUT_MS: int(60_000, 1_000, 600_000),
  STYLUS_COMPOSER_MODEL: optionalString(),
  STYLUS_REFINER_MODEL: optionalString(),
  STYLUS_JUDGE_MODEL: optionalString(),
  STYLUS_EMBEDDING_MODEL: optionalString(),
  STYLUS_EMBEDDING_DIMENSIONS: optionalString()
    .transform((value) => (value === undefined ? undefined : Number(value)))
    .pipe(z.number().int().min(8).max(8192).optional()),
  STYLUS_DEFAULT_BASE: optionalString().transform((value, ctx) => {
    const family = value === undefined ? 'sdxl' : parseFamilyName(value);
    if (family && family !== 'other') return family;
    ctx.addIssue({ code: 'custom', message: `expected one of ${CHECKPOINT_FAMILIES.join(', ')}` });
    return z.NEVER;
  }),
  STYLUS_DENSE_INDEX: optionalString().pipe(z.enum(['exact', 'hnsw']).default('exact')),
  STYLUS_CANDIDATES: int(150, 1, 1000),
  STYLUS_BASE_WEIGHT: number(0.8, 0, 2),
  STYLUS_MAX_ADAPTERS: int(4, 1, 12),
  STYLUS_MAX_PROMPT_CHARS: int(1500, 10, 6000),
  STYLUS_INSERT_TRIGGERS: bool(false),
  STYLUS_SEED_CATALOG: bool(true),
  STYLUS_BLACKLIST_FILE: optionalString().transform((value) => (value ? path.resolve(value) : undefined)),

  // Discord.
  DISCORD_TOKEN: optionalString(),
  DISCORD_DEV_GUILD_ID: optionalString(),
  DISCORD_API_URL: url('https://discord.com/api'),

  // Scale-out services.
  REDIS_URL: url(),
  REDIS_PREFIX: optionalString().transform((value) => value ?? 'stylus'),
  QDRANT_URL: url(),
  QDRANT_API_KEY: optionalString(),
  QDRANT_COLLECTION: optionalString().transform((value) => value ?? 'stylus_adapters'),

  // Render backends and LoRA files.
  COMFYUI_URL: url(),
  A1111_URL: url(),
  LORA_DIR: optionalString().transform((value) => (value ? path.resolve(value) : undefined)),
  LORA_CACHE_MAX_GB: number(50, 0.001, 100_000),
  LORA_MAX_FILE_MB: number(2048, 1, 100_000),
  CHECKPOINT_SD1: optionalString(),
  CHECKPOINT_SD2: optionalString(),
  CHECKPOINT_SDXL: optionalString(),
  CHECKPOINT_PONY: optionalString(),
  CHECKPOINT_ILLUSTRIOUS: optionalString(),
  CHECKPOINT_FLUX1: optionalString(),
  CHECKPOINT_SD3: optionalString(),
  RENDER_MAX_QUEUED_PER_USER: int(3, 1, 1000),
  RENDER_GUILD_CONCURRENCY: int(1, 1, 100),
  RENDER_ROUTING_WAIT_MS: int(30_000, 1_000, 3_600_000),
  RENDER_STEPS: int(28, 1, 150),
  RENDER_CFG: number(6, 0, 30),
  RENDER_SAMPLER: optionalString().transform((value) => value ?? 'euler'),
  RENDER_WIDTH: int(1024, 64, 4096),
  RENDER_HEIGHT: int(1024, 64, 4096),
  RENDER_NEGATIVE_PROMPT: optionalString().transform(
    (value) => value ?? 'lowres, worst quality, low quality, blurry, watermark, text',
  ),
  // Added to the negative prompt of compositions made where NSFW is not allowed: the base model draws nudity from
  // plain prompts too, and no adapter filter stops that.
  RENDER_SFW_NEGATIVE_PROMPT: optionalString().transform(
    (value) => value ?? 'nsfw, nude, naked, nipples, sexual content',
  ),

  // Adapter hubs.
  CIVITAI_API_URL: url('https://civitai.com'),
  CIVITAI_TOKEN: optionalString(),
  HF_ENDPOINT: url('https://huggingface.co'),
  HF_TOKEN: optionalString(),
  // Hosts besides the hubs' that catalog URLs (downloads, example images) may be fetched from: comma-separated.
  STYLUS_ALLOWED_DOWNLOAD_HOSTS: optionalString().transform((value) =>
    (value ?? '')
      .split(',')
      .map((host) => host.trim().toLowerCase())
      .filter((host) => host !== ''),
  ),

  // Community signal.
  COMMUNITY_BOOST_WEIGHT: number(0.3, 0, 10),
  COMMUNITY_FLOOR: number(0.2, 0, 1),
  COMMUNITY_FLOOR_MIN_VOTES: int(10, 1, 1_000_000),
  COMMUNITY_MIN_MEMBER_AGE_HOURS: number(0, 0, 100_000),
  COMMUNITY_VOTES_PER_MINUTE: int(20, 1, 10_000),
});

export type Config = z.infer<typeof envSchema>;

export class ConfigError extends Error {
  constructor(
    readonly key: string,
    detail: string,
  ) {
    super(`Invalid configuration: ${key}: ${detail}`);
    this.name = 'ConfigError';
  }
}

/** Parses an environment into a typed config. Throws a ConfigError naming the first bad key. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = String(issue?.path[0] ?? 'environment');
    throw new ConfigError(key, issue?.message ?? 'invalid value');
  }
  return parsed.data;
}

let cached: Config | undefined;

/** The process config: `.env` (if present) then the environment, parsed once. */
export function getConfig(): Config {
  if (!cached) {
    if (existsSync('.env')) process.loadEnvFile('.env');
    cached = loadConfig(process.env);
  }
  return cached;
}

/** Whether an OpenAI-compatible endpoint is usable for the given model setting. */
export function llmConfigured(config: Config, model: string | undefined): model is string {
  return (
    model !== undefined &&
    (config.OPENAI_API_KEY !== undefined || config.OPENAI_BASE_URL !== 'https://api.openai.com/v1')
  );
}

/**
 * Whether any OpenAI-compatible model is configured at all. Here, not beside createOpenAiClient: asking must not load
 * the OpenAI SDK (a tenth of `stylus compose`'s start-up when it composes offline).
 */
export function openAiConfigured(config: Config): boolean {
  return Boolean(config.STYLUS_COMPOSER_MODEL || config.STYLUS_REFINER_MODEL || config.STYLUS_EMBEDDING_MODEL);
}
