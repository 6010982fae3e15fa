import type OpenAI from 'openai';
import { z } from 'zod';

/**
 * One comparison of two images by a vision-language model, as in the Stylus paper's GPT-4V evaluation: which image
 * looks better, and which follows the prompt better. The model sees the images as "A" and "B" and never learns which
 * one used adapters; the caller asks twice with the order swapped to cancel position bias.
 */
export type Choice = 'A' | 'B' | 'tie';

const ChoiceSchema = z.enum(['A', 'B', 'tie']);

export const VerdictSchema = z.object({
  visual_quality: ChoiceSchema,
  prompt_alignment: ChoiceSchema,
});
export type Verdict = z.infer<typeof VerdictSchema>;

/** The JSON schema sent as `response_format` (strict mode: every key required, no extras). */
const VERDICT_JSON_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['visual_quality', 'prompt_alignment'],
  properties: {
    visual_quality: {
      type: 'string',
      enum: ['A', 'B', 'tie'],
      description: 'The image with better visual quality: aesthetics, detail, coherence, fewer artifacts.',
    },
    prompt_alignment: {
      type: 'string',
      enum: ['A', 'B', 'tie'],
      description: 'The image that depicts the prompt more faithfully: every subject, attribute and style it asks for.',
    },
  },
} as const;

const SYSTEM_PROMPT = [
  'You are a strict judge of text-to-image results. You see two images, A and B, made from the same prompt.',
  'Judge two things separately: visual quality (aesthetics, detail, anatomy and coherence, absence of artifacts)',
  'and prompt alignment (how faithfully the image shows everything the prompt asks for).',
  'For each, answer "A" or "B"; answer "tie" only when you truly cannot tell them apart. Reply with JSON only.',
].join(' ');

export class JudgeReplyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JudgeReplyError';
  }
}

export interface JudgeVlm {
  client: OpenAI;
  model: string;
}

function dataUrl(png: Buffer): string {
  return `data:image/png;base64,${png.toString('base64')}`;
}

/** Asks the VLM once about images `a` and `b` (in that order). Throws JudgeReplyError on a reply it cannot read. */
export async function compareImages(vlm: JudgeVlm, prompt: string, a: Buffer, b: Buffer): Promise<Verdict> {
  const completion = await vlm.client.chat.completions.create({
    model: vlm.model,
    messages: [
      { role: 'system', content: SYSTEM_PROMPT },
      {
        role: 'user',
        content: [
          { type: 'text', text: `Prompt: ${prompt}` },
          { type: 'text', text: 'Image A:' },
          { type: 'image_url', image_url: { url: dataUrl(a) } },
          { type: 'text', text: 'Image B:' },
          { type: 'image_url', image_url: { url: dataUrl(b) } },
        ],
      },
    ],
    response_format: {
      type: 'json_schema',
      json_schema: { name: 'image_comparison', strict: true, schema: VERDICT_JSON_SCHEMA },
    },
    temperature: 0,
  });
  const content = completion.choices[0]?.message.content;
  if (!content) throw new JudgeReplyError('the judge model sent an empty reply');
  let json: unknown;
  try {
    // Some local servers wrap JSON in a code fence despite the schema.
    json = JSON.parse(content.replace(/^\s*```(?:json)?\s*|\s*```\s*$/g, ''));
  } catch {
    throw new JudgeReplyError(`the judge model's reply is not JSON: ${content.slice(0, 120)}`);
  }
  const parsed = VerdictSchema.safeParse(json);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'reply'}: ${issue.message}`);
    throw new JudgeReplyError(`the judge model's reply does not match the schema: ${detail.join('; ')}`);
  }
  return parsed.data;
}

export type Outcome = 'win' | 'tie' | 'loss';

/**
 * The outcome for the adapters' image, asked as A first (`shownFirst`) and as B second (`shownSecond`): a win or a
 * loss only when both orders agree, anything else (disagreement, an explicit tie) is a tie.
 */
export function outcomeOf(shownFirst: Choice, shownSecond: Choice): Outcome {
  if (shownFirst === 'A' && shownSecond === 'B') return 'win';
  if (shownFirst === 'B' && shownSecond === 'A') return 'loss';
  return 'tie';
}
