import { z } from 'zod';

export const BASE_FAMILIES = ['sd1', 'sd2', 'sdxl', 'pony', 'illustrious', 'flux1', 'sd3', 'other'] as const;
export type BaseFamily = (typeof BASE_FAMILIES)[number];

export const CATEGORIES = [
  'style',
  'concept',
  'character',
  'clothing',
  'background',
  'object',
  'pose',
  'action',
  'vehicle',
  'animal',
  'building',
  'tool',
  'other',
] as const;
export type Category = (typeof CATEGORIES)[number];

export const SOURCES = ['civitai', 'huggingface', 'local'] as const;
export type AdapterSource = (typeof SOURCES)[number];

export const DEFAULT_ADAPTER_WEIGHT = 0.8;

/**
 * Maps a hub's base-model string ("SD 1.5", "SDXL 1.0", "Pony", "Flux.1 D", "stabilityai/stable-diffusion-xl-base-1.0",
 * kohya's "sdxl_base_v1-0") to a family. Unknown strings become "other"; callers count them.
 */
export function normaliseBaseModel(raw: string | undefined | null): BaseFamily {
  if (!raw) return 'other';
  const value = raw
    .toLowerCase()
    .replace(/[\s_-]+/g, ' ')
    .trim();
  if (/\bpony\b/.test(value)) return 'pony';
  if (/illustrious|noobai/.test(value)) return 'illustrious';
  if (/flux/.test(value)) return 'flux1';
  if (/\bsd ?3|stable diffusion 3|sd3/.test(value)) return 'sd3';
  if (/sdxl|sd xl|stable diffusion xl|\bxl\b|playground v2|ssd 1b|sdxl turbo|sdxl lightning/.test(value)) return 'sdxl';
  if (/\bsd ?2|stable diffusion 2|v2 ?[01]|sd2/.test(value)) return 'sd2';
  if (/\bsd ?1|stable diffusion 1|stable diffusion v1|v1 ?[45]|sd1|runwayml|compvis/.test(value)) return 'sd1';
  return 'other';
}

const FAMILY_ALIASES: Record<string, BaseFamily> = {
  'sd1.5': 'sd1',
  'sd 1.5': 'sd1',
  sd15: 'sd1',
  'sd2.1': 'sd2',
  xl: 'sdxl',
  'sdxl 1.0': 'sdxl',
  flux: 'flux1',
  'flux.1': 'flux1',
};

/** A family as people type it ("sdxl", "SD 1.5", "flux"), or undefined. Not the hub strings: normaliseBaseModel. */
export function parseFamilyName(value: string): BaseFamily | undefined {
  const lowered = value.trim().toLowerCase();
  if ((BASE_FAMILIES as readonly string[]).includes(lowered)) return lowered as BaseFamily;
  return FAMILY_ALIASES[lowered];
}

/** Families a checkpoint can belong to: "other" is where unknown hub strings go, no checkpoint is of that kind. */
export const CHECKPOINT_FAMILIES = BASE_FAMILIES.filter(
  (family): family is Exclude<BaseFamily, 'other'> => family !== 'other',
);

/** How members read each base family. */
export const BASE_FAMILY_LABELS: Record<BaseFamily, string> = {
  sd1: 'SD 1.5',
  sd2: 'SD 2',
  sdxl: 'SDXL',
  pony: 'Pony',
  illustrious: 'Illustrious',
  flux1: 'Flux.1',
  sd3: 'SD 3',
  other: 'other',
};

/** Base families whose LoRAs load on a checkpoint of the given family. Pony and Illustrious are SDXL fine-tunes. */
export function compatibleFamilies(checkpointFamily: BaseFamily): BaseFamily[] {
  switch (checkpointFamily) {
    case 'sdxl':
      return ['sdxl'];
    case 'pony':
      return ['pony', 'sdxl'];
    case 'illustrious':
      return ['illustrious', 'sdxl'];
    default:
      return [checkpointFamily];
  }
}

const commercialUse = z.enum(['None', 'Image', 'RentCivit', 'Rent', 'Sell']);
export type CommercialUse = z.infer<typeof commercialUse>;

export const LicenseSchema = z.object({
  /** A licence name when the source gives one (Hugging Face: "openrail++", "mit"...). */
  name: z.string().optional(),
  allowCommercialUse: z.array(commercialUse).default([]),
  allowDerivatives: z.boolean().optional(),
  allowNoCredit: z.boolean().optional(),
  allowDifferentLicense: z.boolean().optional(),
  nonCommercial: z.boolean().optional(),
});

export const AdapterSchema = z.object({
  /** Stable id: `civitai:<modelId>`, `hf:<owner>/<repo>`, `local:<file stem>`. */
  id: z.string().min(3).max(90),
  source: z.enum(SOURCES),
  sourceIds: z
    .object({
      modelId: z.string().optional(),
      versionId: z.string().optional(),
      repo: z.string().optional(),
      path: z.string().optional(),
    })
    .default({}),
  name: z.string().trim().min(1).max(200),
  /** The refined description (the refiner's), or the original one until refined. */
  description: z.string().max(4000).default(''),
  /** The author's own description, HTML stripped. */
  originalDescription: z.string().max(20_000).default(''),
  refined: z.boolean().default(false),
  category: z.enum(CATEGORIES).default('other'),
  tags: z.array(z.string().trim().min(1).max(80)).max(100).default([]),
  triggerWords: z.array(z.string().trim().min(1).max(200)).max(100).default([]),
  baseFamily: z.enum(BASE_FAMILIES).default('other'),
  /** The hub's own base-model string, kept for display and audits. */
  baseModel: z.string().max(100).optional(),
  recommendedWeight: z.number().min(-5).max(5).default(DEFAULT_ADAPTER_WEIGHT),
  nsfw: z.boolean().default(false),
  /** Why the SFW gate flagged it (src/catalog/classify/safety.ts), for admins. */
  nsfwReason: z.string().max(300).optional(),
  /** The hub's ratings of the sample images (Civitai: None / Soft / Mature / X), the gate's main signal. */
  imageRatings: z
    .object({
      none: z.number().int().nonnegative(),
      soft: z.number().int().nonnegative(),
      mature: z.number().int().nonnegative(),
      x: z.number().int().nonnegative(),
    })
    .optional(),
  realPerson: z.boolean().default(false),
  fileName: z
    .string()
    .max(255)
    .regex(/\.safetensors$/i, 'must be a .safetensors file')
    .optional(),
  sizeBytes: z.number().int().nonnegative().optional(),
  sha256: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/)
    .transform((value) => value.toLowerCase())
    .optional(),
  downloadUrl: z.string().url().optional(),
  pageUrl: z.string().url().optional(),
  previewImageUrl: z.string().url().optional(),
  license: LicenseSchema.default({ allowCommercialUse: [] }),
  popularity: z
    .object({
      downloads: z.number().nonnegative().default(0),
      likes: z.number().nonnegative().default(0),
      rating: z.number().min(0).max(5).optional(),
    })
    .default({ downloads: 0, likes: 0 }),
  /** Example prompts from the card (safe-rated images only): used by the refiner and indexed at a low weight. */
  examplePrompts: z.array(z.string().max(4000)).max(20).default([]),
  /** Example image URLs (safe-rated only) for the refiner. */
  exampleImageUrls: z.array(z.string().url()).max(20).default([]),
});

/** A validated adapter record. */
export type Adapter = z.output<typeof AdapterSchema>;
/** What sources and fixtures write before validation fills defaults. */
export type AdapterInput = z.input<typeof AdapterSchema>;

export function parseAdapter(input: unknown): Adapter {
  return AdapterSchema.parse(input);
}

/** A one-line reason a record failed validation, naming the field. */
export function describeAdapterError(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || 'record'}: ${issue.message}`).join('; ');
}
