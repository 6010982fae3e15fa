/**
 * Hand-written Civitai `/api/v1/models` items in the shape the live API returns (checked against the API docs and
 * the shape of real items): one model, its versions newest first, each with files, hashes and rated images.
 */
export interface ItemOptions {
  id: number;
  name?: string;
  description?: string | null;
  baseModel?: string;
  trainedWords?: string[];
  tags?: unknown[];
  poi?: boolean;
  nsfw?: boolean;
  allowCommercialUse?: unknown;
  /** Replaces the newest version's files. */
  files?: Record<string, unknown>[];
  images?: Record<string, unknown>[];
  extraVersions?: Record<string, unknown>[];
  type?: string;
}

export function sha256Of(id: number): string {
  return id.toString(16).padStart(64, 'a').toUpperCase();
}

export function civitaiFile(id: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: id * 10,
    name: `model_${id}.safetensors`,
    sizeKB: 147_568.484375,
    type: 'Model',
    metadata: { fp: 'fp16', size: 'pruned', format: 'SafeTensor' },
    pickleScanResult: 'Success',
    virusScanResult: 'Success',
    hashes: { AutoV2: 'CA90CF6E26', SHA256: sha256Of(id), CRC32: '123A568F' },
    downloadUrl: `https://civitai.com/api/download/models/${id * 10}`,
    primary: true,
    ...overrides,
  };
}

export function civitaiImage(
  id: number,
  rating: { nsfw?: unknown; nsfwLevel?: number },
  prompt?: string,
): Record<string, unknown> {
  return {
    id,
    url: `https://image.civitai.com/test/${id}/width=450/${id}.jpeg`,
    ...rating,
    width: 512,
    height: 768,
    hash: 'UTKKm5of4:-;~qofD*ogNGt7ayayx]kCn$ax',
    meta: prompt === undefined ? null : { prompt, negativePrompt: 'lowres', seed: 1, steps: 20, cfgScale: 7 },
  };
}

export function civitaiItem(options: ItemOptions): Record<string, unknown> {
  const versionId = options.id * 10;
  return {
    id: options.id,
    name: options.name ?? `Test LoRA ${options.id}`,
    description:
      options.description === undefined ? `<p>A <b>test</b> adapter number ${options.id}.</p>` : options.description,
    type: options.type ?? 'LORA',
    poi: options.poi ?? false,
    nsfw: options.nsfw ?? false,
    allowNoCredit: true,
    allowCommercialUse: options.allowCommercialUse ?? 'Image',
    allowDerivatives: true,
    allowDifferentLicense: false,
    stats: { downloadCount: 1000 + options.id, favoriteCount: 50, commentCount: 2, ratingCount: 4, rating: 4.5 },
    creator: { username: 'tester', image: null },
    tags: options.tags ?? ['style', 'watercolor'],
    modelVersions: [
      {
        id: versionId,
        modelId: options.id,
        name: 'v2',
        createdAt: '2024-03-01T10:00:00.000Z',
        updatedAt: '2024-03-01T10:00:00.000Z',
        trainedWords: options.trainedWords ?? ['wtrclr style'],
        baseModel: options.baseModel ?? 'SDXL 1.0',
        description: null,
        stats: { downloadCount: 900, ratingCount: 3, rating: 5 },
        files: options.files ?? [civitaiFile(versionId)],
        images: options.images ?? [civitaiImage(versionId + 1, { nsfw: 'None' }, 'a watercolor fox, wtrclr style')],
        downloadUrl: `https://civitai.com/api/download/models/${versionId}`,
      },
      ...(options.extraVersions ?? []),
    ],
  };
}
