import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { AdapterSchema, type BaseFamily, describeAdapterError, normaliseBaseModel } from '../adapter.js';
import { htmlToText, truncateText } from '../html.js';
import { readSafetensorsHeader } from '../safetensors.js';
import { imageRatingsOf, isSafeImage } from './civitai-item.js';
import type { SourceRecord } from './types.js';

/**
 * A local LoRA folder (ComfyUI `models/loras`, A1111 `models/Lora`): every `.safetensors` read by its header only
 * (never its tensors), kohya training metadata, and the sidecars other tools leave next to it:
 * `<stem>.civitai.info` (a Civitai model-version item, written by Civitai Helper), `<stem>.json` (A1111's
 * "activation text", "preferred weight", "description"), `<stem>.preview.png`.
 */
export interface LocalSourceOptions {
  /** Skips re-hashing files whose size and mtime are unchanged since the last run. */
  hashCache?: HashCache;
  /** How many kohya tags become trigger-word candidates when no sidecar names triggers. */
  maxTagTriggers?: number;
}

export interface HashCache {
  get(file: string, size: number, mtimeMs: number): string | undefined;
  set(file: string, size: number, mtimeMs: number, sha256: string): void;
}

type Json = Record<string, unknown>;

const MAX_ID_LENGTH = 90;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

/** Every `.safetensors` under the folder, sorted, skipping hidden entries. */
export async function findSafetensors(folder: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string) => {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile() && /\.safetensors$/i.test(entry.name)) out.push(full);
    }
  };
  await walk(folder);
  return out.sort();
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** `local:<path below the folder, without extension>`, kept under the id limit. */
export function localAdapterId(relativePath: string): string {
  const stem = relativePath.replace(/\\/g, '/').replace(/\.safetensors$/i, '');
  const id = `local:${stem}`;
  if (id.length <= MAX_ID_LENGTH) return id;
  const digest = createHash('sha1').update(stem).digest('hex').slice(0, 8);
  return `${id.slice(0, MAX_ID_LENGTH - 9)}~${digest}`;
}

/** kohya's `ss_base_model_version` ("sd_v1", "sdxl_base_v1-0", "sd_v2_768_v") and modelspec architectures. */
export function kohyaBaseFamily(metadata: Record<string, string>): { family: BaseFamily; raw?: string } {
  const architecture = metadata['modelspec.architecture'];
  const kohya = metadata.ss_base_model_version;
  for (const raw of [architecture, kohya]) {
    if (!raw) continue;
    if (/^sd_v1|stable-diffusion-v1/i.test(raw)) return { family: 'sd1', raw };
    if (/^sd_v2|stable-diffusion-v2/i.test(raw)) return { family: 'sd2', raw };
    const family = normaliseBaseModel(raw);
    if (family !== 'other') return { family, raw };
  }
  return { family: 'other', raw: architecture ?? kohya };
}

/** The most frequent training tags across kohya's datasets (`ss_tag_frequency`: {dataset: {tag: count}}). */
export function topTrainingTags(metadata: Record<string, string>, max: number): string[] {
  const raw = metadata.ss_tag_frequency;
  if (!raw) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return [];
  }
  const totals = new Map<string, number>();
  for (const dataset of Object.values(isObject(parsed) ? parsed : {})) {
    if (!isObject(dataset)) continue;
    for (const [tag, count] of Object.entries(dataset)) {
      const name = tag.trim();
      if (name && typeof count === 'number') totals.set(name, (totals.get(name) ?? 0) + count);
    }
  }
  return [...totals]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, max)
    .map(([tag]) => tag);
}

async function readSidecar(file: string, warnings: string[]): Promise<Json | undefined> {
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed: unknown = JSON.parse(raw);
    if (isObject(parsed)) return parsed;
    warnings.push(`bad-sidecar: ${path.basename(file)} is not a JSON object`);
  } catch {
    warnings.push(`bad-sidecar: ${path.basename(file)} is not JSON`);
  }
  return undefined;
}

function weightOf(value: unknown): number | undefined {
  const number = typeof value === 'string' ? Number(value) : value;
  // A1111 writes 0 for "not set".
  return typeof number === 'number' && Number.isFinite(number) && number !== 0 && Math.abs(number) <= 5
    ? number
    : undefined;
}

function splitList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(text).filter((entry): entry is string => entry !== undefined);
  const single = text(value);
  return single ? [single] : [];
}

export async function readLocalAdapter(
  folder: string,
  file: string,
  options: LocalSourceOptions = {},
): Promise<SourceRecord> {
  const relative = path.relative(folder, file);
  const key = localAdapterId(relative);
  const warnings: string[] = [];
  let header: Awaited<ReturnType<typeof readSafetensorsHeader>>;
  try {
    header = await readSafetensorsHeader(file);
  } catch (error) {
    return { key, error: `bad-safetensors: ${(error as Error).message}`, warnings };
  }
  const info = await stat(file);
  const stem = file.replace(/\.safetensors$/i, '');
  const civitaiInfo = await readSidecar(`${stem}.civitai.info`, warnings);
  const a1111 = await readSidecar(`${stem}.json`, warnings);
  const metadata = header.metadata;

  let sha256 = options.hashCache?.get(file, info.size, info.mtimeMs);
  if (!sha256) {
    sha256 = await sha256File(file);
    options.hashCache?.set(file, info.size, info.mtimeMs, sha256);
  }

  const civitaiModel = civitaiInfo && isObject(civitaiInfo.model) ? civitaiInfo.model : undefined;
  const name =
    text(civitaiModel?.name) ??
    text(metadata['modelspec.title']) ??
    text(metadata.ss_output_name) ??
    path.basename(stem);

  const civitaiBase = text(civitaiInfo?.baseModel);
  const kohyaBase = kohyaBaseFamily(metadata);
  const baseFamily =
    civitaiBase && normaliseBaseModel(civitaiBase) !== 'other' ? normaliseBaseModel(civitaiBase) : kohyaBase.family;
  const baseModel = civitaiBase ?? kohyaBase.raw;
  if (baseFamily === 'other') warnings.push(`unknown-base-model: ${baseModel ?? '(none)'}`);

  const explicitTriggers = [
    ...splitList(a1111?.['activation text']),
    ...splitList(civitaiInfo?.trainedWords),
    ...splitList(metadata['modelspec.trigger_phrase']),
  ];
  const trainingTags = topTrainingTags(metadata, 10);
  const triggerWords = explicitTriggers.length ? explicitTriggers : trainingTags.slice(0, options.maxTagTriggers ?? 5);

  const descriptionText =
    [a1111?.description, civitaiInfo?.description, civitaiModel?.description, metadata['modelspec.description']]
      .map((candidate) => htmlToText(text(candidate)))
      .find((candidate) => candidate !== '') ?? '';

  const safeImages = (Array.isArray(civitaiInfo?.images) ? civitaiInfo.images : []).filter(
    (image): image is Json => isObject(image) && isSafeImage(image),
  );
  const examplePrompts = safeImages
    .map((image) => (isObject(image.meta) ? text(image.meta.prompt) : undefined))
    .filter((prompt): prompt is string => prompt !== undefined)
    .slice(0, 10);
  const preview = `${stem}.preview.png`;
  const previewExists = await stat(preview).then(
    (found) => found.isFile(),
    () => false,
  );
  const exampleImageUrls = [
    // The local preview goes to the refiner as an image; it is not a public URL, so it is not the embed thumbnail.
    ...(previewExists ? [pathToFileURL(preview).toString()] : []),
    ...safeImages
      .map((image) => image.url)
      .filter((url): url is string => typeof url === 'string' && /^https?:/.test(url)),
  ].slice(0, 10);

  const modelId = civitaiInfo?.modelId ?? civitaiModel?.id;
  const record = {
    id: key,
    source: 'local',
    sourceIds: {
      path: relative,
      ...(modelId !== undefined ? { modelId: String(modelId) } : {}),
      ...(civitaiInfo?.id !== undefined ? { versionId: String(civitaiInfo.id) } : {}),
    },
    name: name.slice(0, 200),
    description: truncateText(descriptionText, 4000),
    originalDescription: truncateText(descriptionText, 20_000),
    tags: [...new Set([...splitList(civitaiModel?.tags), ...trainingTags])]
      .filter((tag) => tag.length <= 80)
      .slice(0, 100),
    triggerWords: [...new Set(triggerWords.map((word) => word.slice(0, 200)))].slice(0, 100),
    baseFamily,
    ...(baseModel ? { baseModel: baseModel.slice(0, 100) } : {}),
    recommendedWeight: weightOf(a1111?.['preferred weight']) ?? 0.8,
    nsfw: civitaiModel?.nsfw === true,
    ...(civitaiModel?.nsfw === true ? { nsfwReason: 'its Civitai sidecar marks the model NSFW' } : {}),
    // The sidecar is a Civitai model version: its sample images carry Civitai's ratings, the SFW gate's signal.
    ...(civitaiInfo && imageRatingsOf(civitaiInfo) ? { imageRatings: imageRatingsOf(civitaiInfo) } : {}),
    realPerson: civitaiModel?.poi === true,
    fileName: path.basename(file),
    sizeBytes: info.size,
    sha256,
    ...(modelId !== undefined ? { pageUrl: `https://civitai.com/models/${modelId}` } : {}),
    examplePrompts,
    exampleImageUrls,
  };
  const parsed = AdapterSchema.safeParse(record);
  if (!parsed.success) return { key, error: `invalid-record: ${describeAdapterError(parsed.error)}`, warnings };
  return { key, adapter: parsed.data, warnings, versionKey: `${sha256}:${sidecarStamp(civitaiInfo, a1111)}` };
}

/** Sidecar edits change the record without changing the file: they are part of the version. */
function sidecarStamp(...sidecars: (Json | undefined)[]): string {
  return createHash('sha1')
    .update(JSON.stringify(sidecars.map((sidecar) => sidecar ?? null)))
    .digest('hex')
    .slice(0, 12);
}

export async function* localRecords(folder: string, options: LocalSourceOptions = {}): AsyncGenerator<SourceRecord> {
  for (const file of await findSafetensors(folder)) yield readLocalAdapter(folder, file, options);
}
