import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type OpenAI from 'openai';
import type { ChatCompletionContentPart } from 'openai/resources/chat/completions';
import { z } from 'zod';
import { type Adapter, CATEGORIES, DEFAULT_ADAPTER_WEIGHT, parseAdapter } from '../catalog/adapter.js';
import { CatalogUrlPolicy } from '../catalog/url-policy.js';
import type { Logger } from '../log.js';

/**
 * The Stylus refiner (paper, section 3.1): a vision-language model reads an adapter's model card (title, tags,
 * trigger words, the author's description, then each example image followed by its prompt) and writes a
 * description fit for retrieval, with a category, a recommended weight, the trigger words it could confirm and
 * whether the adapter depicts a real person or is NSFW. One call per adapter; the reply is structured output
 * checked with zod.
 */
export interface RefinerOptions {
  client: OpenAI;
  /** STYLUS_REFINER_MODEL. */
  model: string;
  fetchImage?: ImageFetcher;
  /** Which example-image addresses may be fetched (the configured hubs by default: `catalogUrlPolicy(config)`). */
  urlPolicy?: CatalogUrlPolicy;
  maxImages?: number;
  maxImageBytes?: number;
  imageTimeoutMs?: number;
  log?: Logger;
}

export interface FetchedImage {
  mime: string;
  data: Buffer;
}

/** Fetches one example image of `adapter` (the adapter says which local file, if any, is its own). */
export type ImageFetcher = (url: string, adapter: Adapter) => Promise<FetchedImage>;

export class RefinerError extends Error {
  constructor(
    readonly code: 'request-failed' | 'invalid-reply',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RefinerError';
  }
}

export const MAX_REFINED_WORDS = 120;
const MAX_EXAMPLES = 10;
const DEFAULT_MAX_IMAGE_BYTES = 4 * 1024 * 1024;

const ReplySchema = z.object({
  description: z.string().trim().min(1).max(3000),
  category: z.enum(CATEGORIES),
  recommended_weight: z.number().min(-5).max(5).nullable(),
  trigger_words: z.array(z.string()).max(100),
  depicts_real_person: z.boolean(),
  nsfw: z.boolean(),
});
export type RefinerReply = z.infer<typeof ReplySchema>;

/** The JSON schema sent as `response_format` (strict mode: every key required, no extras). */
const REPLY_JSON_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['description', 'category', 'recommended_weight', 'trigger_words', 'depicts_real_person', 'nsfw'],
  properties: {
    description: {
      type: 'string',
      description: `What the adapter adds and when to use it, at most ${MAX_REFINED_WORDS} words.`,
    },
    category: { type: 'string', enum: [...CATEGORIES] },
    recommended_weight: {
      type: ['number', 'null'],
      description: 'From the card or the example prompts; null if unknown.',
    },
    trigger_words: {
      type: 'array',
      items: { type: 'string' },
      description: 'Trigger words the card and examples confirm.',
    },
    depicts_real_person: { type: 'boolean' },
    nsfw: { type: 'boolean' },
  },
} as const;

const SYSTEM_PROMPT = [
  'You are an expert on Stable Diffusion LoRA adapters. You read one adapter model card: its title, tags,',
  "trigger words, the author's description, and example images each followed by the prompt that made it.",
  `Write a description for a search index: what the adapter adds to an image and when to use it, in at most ${MAX_REFINED_WORDS}`,
  'words, concrete and visual (subjects, style, colours, composition); no marketing, no usage instructions.',
  `Pick the category from: ${CATEGORIES.join(', ')}.`,
  'Give the recommended weight the card or the example prompts state (as in <lora:name:0.7>), or null.',
  'List the trigger words the examples confirm. Say whether it depicts a real, identifiable person, and whether',
  'it is meant for sexual or explicit content. Reply with JSON only.',
].join(' ');

/** The weights example prompts give this adapter (`<lora:name:w>`), their median, or undefined. */
export function weightFromPrompts(prompts: readonly string[], fileStem?: string): number | undefined {
  const weights: number[] = [];
  for (const prompt of prompts) {
    const tags = [...prompt.matchAll(/<(?:lora|lyco):([^:>]+):\s*(-?\d*\.?\d+)[^>]*>/gi)];
    const own = fileStem ? tags.filter((tag) => tag[1]?.trim().toLowerCase() === fileStem.toLowerCase()) : [];
    const chosen = own.length ? own : tags.length === 1 ? tags : [];
    for (const tag of chosen) {
      const weight = Number(tag[2]);
      if (Number.isFinite(weight) && weight !== 0 && Math.abs(weight) <= 5) weights.push(weight);
    }
  }
  if (weights.length === 0) return undefined;
  weights.sort((a, b) => a - b);
  const middle = Math.floor(weights.length / 2);
  return weights.length % 2
    ? (weights[middle] as number)
    : ((weights[middle - 1] as number) + (weights[middle] as number)) / 2;
}

export function limitWords(text: string, maxWords: number): string {
  const words = text.trim().split(/\s+/);
  return words.length <= maxWords ? text.trim() : `${words.slice(0, maxWords).join(' ')}…`;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * Fetches an example image, refusing non-images and oversized bodies. Catalog data names these addresses, so only
 * what the URL policy allows is fetched (http(s) on the configured hubs); the one local file read is a local
 * adapter's own preview (`<stem>.preview.png` next to its file, as the local source records it), never any other
 * path: a record naming `file:///proc/self/environ` must not send the environment to the vision model.
 */
export function defaultImageFetcher(
  options: { maxBytes?: number; timeoutMs?: number; urlPolicy?: CatalogUrlPolicy } = {},
): ImageFetcher {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_IMAGE_BYTES;
  const policy = options.urlPolicy ?? new CatalogUrlPolicy();
  return async (raw, adapter) => {
    if (raw.startsWith('file:')) {
      if (!isOwnPreview(raw, adapter)) throw new Error("a local file that is not this adapter's preview");
      const data = await readFile(fileURLToPath(raw));
      if (data.byteLength > maxBytes) throw new Error(`image is larger than ${maxBytes} bytes`);
      if (!data.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error('the preview is not a PNG');
      return { mime: 'image/png', data };
    }
    const { url } = policy.resolve(raw);
    const response = await policy.fetch(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 15_000) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const mime = (response.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '';
    if (!mime.startsWith('image/')) throw new Error(`not an image (${mime || 'no content type'})`);
    const length = Number(response.headers.get('content-length') ?? '0');
    if (length > maxBytes) throw new Error(`image is larger than ${maxBytes} bytes`);
    const data = Buffer.from(await response.arrayBuffer());
    if (data.byteLength > maxBytes) throw new Error(`image is larger than ${maxBytes} bytes`);
    return { mime, data };
  };
}

/** Whether a file URL is a local adapter's preview: `<stem>.preview.png` in the folder of its own file. */
function isOwnPreview(raw: string, adapter: Adapter): boolean {
  if (adapter.source !== 'local') return false;
  const own = (adapter.sourceIds.path ?? adapter.fileName ?? '').replaceAll('\\', '/');
  if (!own) return false;
  const expected = `${own.replace(/\.safetensors$/i, '')}.preview.png`;
  let file: string;
  try {
    file = fileURLToPath(raw).replaceAll('\\', '/');
  } catch {
    return false;
  }
  return file.endsWith(`/${expected}`) && !expected.split('/').includes('..');
}

/** The user message: the card as text, then each example image followed by its prompt (the paper's order). */
export async function buildCardMessage(
  adapter: Adapter,
  fetchImage: ImageFetcher,
  maxImages: number,
  log?: Logger,
): Promise<{ parts: ChatCompletionContentPart[]; imagesSent: number; imagesSkipped: number }> {
  const card = [
    `Title: ${adapter.name}`,
    `Tags: ${adapter.tags.join(', ') || '(none)'}`,
    `Trigger words: ${adapter.triggerWords.join(' | ') || '(none)'}`,
    `Base model: ${adapter.baseModel ?? adapter.baseFamily}`,
    "Author's description:",
    adapter.originalDescription || adapter.description || '(none)',
  ].join('\n');
  const parts: ChatCompletionContentPart[] = [{ type: 'text', text: card }];
  const count = Math.min(
    MAX_EXAMPLES,
    maxImages,
    Math.max(adapter.exampleImageUrls.length, adapter.examplePrompts.length),
  );
  let imagesSent = 0;
  let imagesSkipped = 0;
  for (let index = 0; index < count; index += 1) {
    const url = adapter.exampleImageUrls[index];
    const prompt = adapter.examplePrompts[index];
    if (url) {
      try {
        const image = await fetchImage(url, adapter);
        parts.push({
          type: 'image_url',
          image_url: { url: `data:${image.mime};base64,${image.data.toString('base64')}` },
        });
        imagesSent += 1;
      } catch (error) {
        imagesSkipped += 1;
        log?.debug({ adapterId: adapter.id, url, error: String(error) }, 'example image skipped');
      }
    }
    if (prompt) parts.push({ type: 'text', text: `Prompt of example ${index + 1}: ${prompt}` });
  }
  const weight = weightFromPrompts(adapter.examplePrompts, adapter.fileName?.replace(/\.safetensors$/i, ''));
  if (weight !== undefined)
    parts.push({ type: 'text', text: `The example prompts use this adapter at weight ${weight}.` });
  return { parts, imagesSent, imagesSkipped };
}

/** Trigger words the model confirmed: only ones the card lists, or, for a card without any, ones its prompts use. */
function confirmedTriggers(adapter: Adapter, proposed: readonly string[]): string[] {
  const listed = new Map(adapter.triggerWords.map((word) => [word.trim().toLowerCase(), word]));
  const prompts = adapter.examplePrompts.join('\n').toLowerCase();
  const out: string[] = [];
  for (const raw of proposed) {
    const word = raw.trim();
    const key = word.toLowerCase();
    if (!word || word.length > 200) continue;
    const original = listed.get(key);
    if (original) out.push(original);
    else if (listed.size === 0 && prompts.includes(key)) out.push(word);
  }
  const unique = [...new Set(out)];
  // The model confirming nothing is weaker evidence than the author listing words: keep the author's list.
  return unique.length ? unique : adapter.triggerWords;
}

export function applyRefinement(adapter: Adapter, reply: RefinerReply): Adapter {
  const weight =
    reply.recommended_weight ??
    weightFromPrompts(adapter.examplePrompts, adapter.fileName?.replace(/\.safetensors$/i, '')) ??
    DEFAULT_ADAPTER_WEIGHT;
  return parseAdapter({
    ...adapter,
    description: limitWords(reply.description, MAX_REFINED_WORDS),
    category: reply.category,
    recommendedWeight: weight,
    triggerWords: confirmedTriggers(adapter, reply.trigger_words),
    // The refiner may raise a flag, never clear one the hub set.
    realPerson: adapter.realPerson || reply.depicts_real_person,
    nsfw: adapter.nsfw || reply.nsfw,
    ...(!adapter.nsfw && reply.nsfw ? { nsfwReason: 'the refiner saw sexual content in its card or images' } : {}),
    refined: true,
  });
}

export async function refineAdapter(
  adapter: Adapter,
  options: RefinerOptions,
): Promise<{ adapter: Adapter; reply: RefinerReply; imagesSent: number; imagesSkipped: number }> {
  const fetchImage =
    options.fetchImage ??
    defaultImageFetcher({
      ...(options.maxImageBytes ? { maxBytes: options.maxImageBytes } : {}),
      ...(options.imageTimeoutMs ? { timeoutMs: options.imageTimeoutMs } : {}),
      ...(options.urlPolicy ? { urlPolicy: options.urlPolicy } : {}),
    });
  const message = await buildCardMessage(adapter, fetchImage, options.maxImages ?? MAX_EXAMPLES, options.log);
  let content: string | null | undefined;
  try {
    const completion = await options.client.chat.completions.create({
      model: options.model,
      messages: [
        { role: 'system', content: SYSTEM_PROMPT },
        { role: 'user', content: message.parts },
      ],
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'adapter_card', strict: true, schema: REPLY_JSON_SCHEMA },
      },
      temperature: 0.2,
    });
    content = completion.choices[0]?.message.content;
  } catch (error) {
    throw new RefinerError('request-failed', `refiner request failed: ${(error as Error).message}`, { cause: error });
  }
  if (!content) throw new RefinerError('invalid-reply', 'refiner reply is empty');
  let json: unknown;
  try {
    // Some local servers wrap JSON in a code fence despite the schema.
    json = JSON.parse(content.replace(/^\s*```(?:json)?\s*|\s*```\s*$/g, ''));
  } catch {
    throw new RefinerError('invalid-reply', `refiner reply is not JSON: ${content.slice(0, 120)}`);
  }
  const parsed = ReplySchema.safeParse(json);
  if (!parsed.success) {
    const detail = parsed.error.issues
      .map((issue) => `${issue.path.join('.') || 'reply'}: ${issue.message}`)
      .join('; ');
    throw new RefinerError('invalid-reply', `refiner reply does not match the schema: ${detail}`);
  }
  return {
    adapter: applyRefinement(adapter, parsed.data),
    reply: parsed.data,
    imagesSent: message.imagesSent,
    imagesSkipped: message.imagesSkipped,
  };
}
