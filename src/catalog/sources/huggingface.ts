import type { Logger } from '../../log.js';
import { AdapterSchema, type BaseFamily, describeAdapterError, normaliseBaseModel } from '../adapter.js';
import { truncateText } from '../html.js';
import { markdownToText } from '../markdown.js';
import { HttpClient, HttpError, HubUnreachableError, type RetryPolicy, type Sleep } from './http.js';
import { ListingGuard } from './pagination.js';
import type { SourceRecord } from './types.js';

/**
 * The Hugging Face Hub: LoRA repos listed by `GET /api/models?filter=base_model:adapter:<base>&filter=lora`
 * (pages follow the `Link: <...>; rel="next"` header), each read with `GET /api/models/<repo>?blobs=true`
 * (siblings with LFS sha256 and size, cardData: instance_prompt, widget prompts and images, license) and its
 * README for the author's description.
 */
export const HF_BASE_REPOS: Partial<Record<BaseFamily, string[]>> = {
  sdxl: ['stabilityai/stable-diffusion-xl-base-1.0'],
  sd1: ['runwayml/stable-diffusion-v1-5', 'stable-diffusion-v1-5/stable-diffusion-v1-5'],
  sd2: ['stabilityai/stable-diffusion-2-1'],
  flux1: ['black-forest-labs/FLUX.1-dev', 'black-forest-labs/FLUX.1-schnell'],
  sd3: ['stabilityai/stable-diffusion-3-medium-diffusers', 'stabilityai/stable-diffusion-3.5-large'],
  illustrious: ['OnomaAIResearch/Illustrious-xl-early-release-v0'],
};

export interface HuggingFaceClientOptions {
  /** HF_ENDPOINT, e.g. https://huggingface.co or a mirror. */
  endpoint: string;
  token?: string;
  retry?: Partial<RetryPolicy>;
  sleep?: Sleep;
  log?: Logger;
  requestsPerMinute?: number;
  /** Deadlines per request: to start answering, and for the whole answer (defaults 10 s and 60 s). */
  answerTimeoutMs?: number;
  timeoutMs?: number;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function strings(value: unknown): string[] {
  const list = Array.isArray(value) ? value : [value];
  return list.filter((entry): entry is string => typeof entry === 'string' && entry.trim() !== '').map((s) => s.trim());
}

/** `<https://...>; rel="next"` -> the URL, or undefined. */
export function nextLink(header: string | null): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(',')) {
    // [^<>] keeps the scan from each "<" to the next one: a header of thousands of "<" stays linear.
    const match = /<([^<>]+)>\s*;\s*rel="?next"?/i.exec(part);
    if (match?.[1]) return match[1];
  }
  return undefined;
}

export class HuggingFaceClient {
  private readonly http: HttpClient;

  constructor(readonly options: HuggingFaceClientOptions) {
    this.http = new HttpClient({
      hub: { name: 'Hugging Face', setting: 'HF_ENDPOINT', url: options.endpoint, tokenSetting: 'HF_TOKEN' },
      token: options.token,
      retry: options.retry,
      sleep: options.sleep,
      log: options.log,
      requestsPerMinute: options.requestsPerMinute,
      answerTimeoutMs: options.answerTimeoutMs,
      timeoutMs: options.timeoutMs,
    });
  }

  /** Repo ids of LoRAs on the given base models, most downloaded first. */
  async *listLoraRepos(list: {
    baseRepos: readonly string[];
    limit?: number;
    pageSize?: number;
    /** Pages read per base model at most. */
    maxPages?: number;
    signal?: AbortSignal;
  }): AsyncGenerator<string> {
    const seen = new Set<string>();
    for (const base of list.baseRepos) {
      const url = new URL('/api/models', this.options.endpoint);
      url.searchParams.append('filter', `base_model:adapter:${base}`);
      url.searchParams.append('filter', 'lora');
      url.searchParams.set('sort', 'downloads');
      url.searchParams.set('direction', '-1');
      url.searchParams.set('limit', String(list.pageSize ?? 100));
      const guard = new ListingGuard({ hub: 'Hugging Face', maxPages: list.maxPages, log: this.options.log });
      let next: string | undefined = url.toString();
      while (next && guard.admit(next)) {
        const response = await this.http.get(next, list.signal);
        const page = parseJsonArray(response.text);
        if (!page) {
          throw new HttpError(response.status, next, `Hugging Face answered ${next} with something not a model list.`);
        }
        let fresh = 0;
        for (const entry of page) {
          const id = isObject(entry) ? (entry.id ?? entry.modelId) : undefined;
          if (typeof id !== 'string' || seen.has(id)) continue;
          seen.add(id);
          fresh += 1;
          yield id;
          if (list.limit !== undefined && seen.size >= list.limit) return;
        }
        if (page.length === 0 || !guard.progressed(fresh)) break;
        next = this.sameHost(nextLink(response.headers.get('link')));
      }
    }
  }

  /**
   * The next page on the configured endpoint: the Link header is the server's word, and the token goes with every
   * request, so a link to another host (a mirror naming huggingface.co, or worse) keeps only its path and query.
   */
  private sameHost(link: string | undefined): string | undefined {
    if (!link) return undefined;
    const endpoint = new URL(this.options.endpoint);
    const target = new URL(link, endpoint);
    return new URL(`${target.pathname}${target.search}`, endpoint.origin).toString();
  }

  async modelInfo(repo: string, signal?: AbortSignal): Promise<unknown> {
    return this.http.getJson(new URL(`/api/models/${repo}?blobs=true`, this.options.endpoint).toString(), signal);
  }

  /** The model card text; empty when the repo has none. */
  async readme(repo: string, signal?: AbortSignal): Promise<string> {
    try {
      return (await this.http.get(this.fileUrl(repo, 'README.md'), signal)).text;
    } catch (error) {
      if (error instanceof HttpError && error.status === 404) return '';
      throw error;
    }
  }

  fileUrl(repo: string, file: string): string {
    const path = file.split('/').map(encodeURIComponent).join('/');
    return `${this.options.endpoint}/${repo}/resolve/main/${path}`;
  }
}

function parseJsonArray(text: string): unknown[] | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** The LoRA weight file of a repo: diffusers' name first, then a lone root .safetensors, then one named like a LoRA. */
export function pickWeightFile(siblings: readonly Json[]): Json | undefined {
  const weights = siblings.filter((s) => typeof s.rfilename === 'string' && /\.safetensors$/i.test(s.rfilename));
  const name = (s: Json) => String(s.rfilename);
  const root = weights.filter((s) => !name(s).includes('/'));
  return (
    root.find((s) => name(s) === 'pytorch_lora_weights.safetensors') ??
    (root.length === 1 ? root[0] : undefined) ??
    root.find((s) => /lora/i.test(name(s))) ??
    root[0] ??
    (weights.length === 1 ? weights[0] : undefined)
  );
}

/** Hub tags that say nothing about what the adapter draws. */
const PLUMBING_TAG =
  /:|^(diffusers|lora|safetensors|text-to-image|image-to-image|stable-diffusion.*|sdxl|template|region|endpoints_compatible|diffusers-training|dreambooth|autotrain)$/i;

export function parseHuggingFaceModel(
  info: unknown,
  readme: string,
  client: Pick<HuggingFaceClient, 'fileUrl' | 'options'>,
): { adapter?: SourceRecord['adapter']; skipped?: string; error?: string; warnings: string[]; versionKey?: string } {
  const warnings: string[] = [];
  if (!isObject(info) || typeof info.id !== 'string') return { error: 'missing-field: id', warnings };
  const repo = info.id;
  const siblings = Array.isArray(info.siblings) ? info.siblings.filter(isObject) : [];
  const file = pickWeightFile(siblings);
  if (!file) return { skipped: 'no-safetensors: the repo has no .safetensors weight file', warnings };
  const card = isObject(info.cardData) ? info.cardData : {};
  const lfs = isObject(file.lfs) ? file.lfs : {};
  const sha256 = typeof lfs.sha256 === 'string' && /^[0-9a-f]{64}$/i.test(lfs.sha256) ? lfs.sha256 : undefined;
  if (!sha256) warnings.push('missing-sha256: the weight file has no LFS hash');
  const size = typeof lfs.size === 'number' ? lfs.size : typeof file.size === 'number' ? file.size : undefined;
  const rawBase = strings(card.base_model)[0];
  const baseFamily = normaliseBaseModel(rawBase);
  if (baseFamily === 'other') warnings.push(`unknown-base-model: ${rawBase ?? '(none)'}`);
  if (info.gated && info.gated !== false) warnings.push('gated: downloads need an accepted licence and HF_TOKEN');

  const widgets = Array.isArray(card.widget) ? card.widget.filter(isObject) : [];
  const examplePrompts: string[] = [];
  const exampleImageUrls: string[] = [];
  for (const widget of widgets.slice(0, 10)) {
    const text = strings(widget.text)[0];
    const output = isObject(widget.output) ? strings(widget.output.url)[0] : undefined;
    if (text) examplePrompts.push(text.slice(0, 4000));
    if (output) exampleImageUrls.push(/^https?:\/\//.test(output) ? output : client.fileUrl(repo, output));
  }
  const allTags = [...strings(card.tags), ...strings(info.tags)];
  const nsfw = allTags.some((tag) => tag === 'not-for-all-audiences');
  const licence = strings(card.license)[0];
  const description = markdownToText(readme);
  const record = {
    id: `hf:${repo}`.slice(0, 90),
    source: 'huggingface',
    sourceIds: {
      repo,
      path: String(file.rfilename),
      ...(typeof info.sha === 'string' ? { versionId: info.sha } : {}),
    },
    name: repo.split('/').pop() ?? repo,
    description: truncateText(description, 4000),
    originalDescription: truncateText(description, 20_000),
    tags: [...new Set(allTags.filter((tag) => !PLUMBING_TAG.test(tag) && tag.length <= 80))].slice(0, 100),
    triggerWords: [...new Set(strings(card.instance_prompt).map((word) => word.slice(0, 200)))],
    baseFamily,
    ...(rawBase ? { baseModel: rawBase.slice(0, 100) } : {}),
    nsfw,
    ...(nsfw ? { nsfwReason: 'its Hugging Face card is tagged not-for-all-audiences' } : {}),
    fileName: String(file.rfilename).split('/').pop(),
    ...(size !== undefined ? { sizeBytes: size } : {}),
    ...(sha256 ? { sha256 } : {}),
    downloadUrl: client.fileUrl(repo, String(file.rfilename)),
    pageUrl: `${client.options.endpoint}/${repo}`,
    ...(exampleImageUrls[0] ? { previewImageUrl: exampleImageUrls[0] } : {}),
    license: {
      ...(licence ? { name: licence } : {}),
      allowCommercialUse: [],
      ...(licence ? { nonCommercial: /(^|-)nc($|-)|non-?commercial/i.test(licence) } : {}),
    },
    popularity: {
      downloads: typeof info.downloads === 'number' ? info.downloads : 0,
      likes: typeof info.likes === 'number' ? info.likes : 0,
    },
    examplePrompts,
    exampleImageUrls,
  };
  const parsed = AdapterSchema.safeParse(record);
  if (!parsed.success) return { error: `invalid-record: ${describeAdapterError(parsed.error)}`, warnings };
  return { adapter: parsed.data, warnings, versionKey: String(info.sha ?? sha256 ?? '') };
}

/** Lists LoRA repos on the bases and reads each one; a repo that fails to load is an error record, not a stop. */
export async function* huggingFaceRecords(
  client: HuggingFaceClient,
  list: { baseFamilies: readonly BaseFamily[]; limit?: number; signal?: AbortSignal },
): AsyncGenerator<SourceRecord> {
  const baseRepos = list.baseFamilies.flatMap((family) => HF_BASE_REPOS[family] ?? []);
  for await (const repo of client.listLoraRepos({ baseRepos, limit: list.limit, signal: list.signal })) {
    const key = `hf:${repo}`;
    try {
      const info = await client.modelInfo(repo, list.signal);
      const readme = await client.readme(repo, list.signal);
      const parsed = parseHuggingFaceModel(info, readme, client);
      yield { key: parsed.adapter?.id ?? key, ...parsed };
    } catch (error) {
      // A hub that went away fails every record after this one too: stop with its sentence instead.
      if (list.signal?.aborted || error instanceof HubUnreachableError) throw error;
      yield { key, error: `request-failed: ${(error as Error).message}`, warnings: [] };
    }
  }
}
