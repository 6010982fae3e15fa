import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, stat, unlink, utimes } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { isSafeLoraPath } from '../catalog/lora-file.js';
import { readSafetensorsHeader, SafetensorsError } from '../catalog/safetensors.js';
import { CatalogUrlPolicy, CatalogUrlRefused, type Hub } from '../catalog/url-policy.js';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { silentLogger } from '../log.js';
import type { SqliteDatabase } from '../storage/sqlite.js';
import { RenderError } from './errors.js';
import type { RenderLora } from './job.js';

/** Extensions of pickle-based weights: loading one can run arbitrary code, so they are never fetched. */
const PICKLE = /\.(ckpt|pt|pth|bin|pkl|pickle)$/i;
const MAX_LISTED = 20_000;

export interface LoraCacheOptions {
  /** The backend's LoRA folder (LORA_DIR). */
  dir: string;
  db: SqliteDatabase;
  /** Disk budget for downloaded files (LORA_CACHE_MAX_GB); files an admin put there are never evicted. */
  maxBytes: number;
  /** Largest single file accepted (LORA_MAX_FILE_MB). */
  maxFileBytes: number;
  civitaiToken?: string;
  hfToken?: string;
  /** The hubs (CIVITAI_API_URL, HF_ENDPOINT): downloads of civitai.com / huggingface.co files go there, tokens too. */
  civitaiUrl?: string;
  hfUrl?: string;
  /** STYLUS_ALLOWED_DOWNLOAD_HOSTS: other hosts download addresses may name. */
  allowedHosts?: readonly string[];
  log?: Logger;
  /** Tries on HTTP 429 before giving up, and the first wait when the server gives no Retry-After. */
  rateLimitTries?: number;
  rateLimitBaseMs?: number;
  /** Longest wait for a server's answer (status and headers) to one request (60 s). */
  responseTimeoutMs?: number;
  /** Longest gap between two chunks of a body before the try is given up (60 s). */
  stallTimeoutMs?: number;
}

/**
 * Slowest pace a download may keep on average: past `10 min + size / pace` the try is given up even when bytes
 * still trickle in (the stall deadline catches a connection that went quiet).
 */
const MIN_BYTES_PER_SECOND = 256 * 1024;
const BASE_DOWNLOAD_MS = 10 * 60_000;

/** One fetch of a file, shared by the jobs that need it; aborted when the last of them stops waiting. */
interface SharedDownload {
  work: Promise<string>;
  controller: AbortController;
  waiting: number;
}

function waitForShared(shared: SharedDownload, signal?: AbortSignal): Promise<string> {
  if (!signal) {
    // A caller that cannot give up keeps the download going for good.
    shared.waiting = Number.POSITIVE_INFINITY;
    return shared.work;
  }
  if (signal.aborted) return Promise.reject(signal.reason);
  shared.waiting++;
  return new Promise<string>((resolve, reject) => {
    const onAbort = () => {
      shared.waiting--;
      if (shared.waiting <= 0) shared.controller.abort(signal.reason);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    shared.work.then(
      (file) => {
        signal.removeEventListener('abort', onAbort);
        resolve(file);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

interface CacheRow {
  file_name: string;
  size_bytes: number;
  sha256: string;
  last_used_at: number;
}

/**
 * The LoRA files of the render backend's folder: fetched on demand from Hugging Face, Civitai or found locally;
 * safetensors only (header parsed before use), SHA-256 checked when the catalog knows it, written to `.part` then
 * renamed (the backend never sees half a file), evicted least-recently-used under a disk budget. Concurrent requests
 * for one file share one download.
 */
export class LoraCache {
  private readonly inflight = new Map<string, SharedDownload>();
  private readonly pinned = new Map<string, number>();
  private readonly changeListeners = new Set<() => void>();
  private readonly log: Logger;
  private readonly urls: CatalogUrlPolicy;

  constructor(private readonly options: LoraCacheOptions) {
    this.log = options.log ?? silentLogger;
    this.urls = new CatalogUrlPolicy({
      civitaiUrl: options.civitaiUrl,
      hfUrl: options.hfUrl,
      extraHosts: options.allowedHosts,
    });
    options.db.exec(`CREATE TABLE IF NOT EXISTS lora_cache (
      file_name TEXT PRIMARY KEY,
      size_bytes INTEGER NOT NULL,
      sha256 TEXT NOT NULL,
      last_used_at INTEGER NOT NULL
    )`);
  }

  /** Ensures every LoRA of a job is on disk; they stay pinned (never evicted) until `release` is called. */
  async ensureAll(loras: readonly RenderLora[], signal?: AbortSignal): Promise<{ release: () => void }> {
    const names = [...new Set(loras.map((lora) => lora.fileName))];
    for (const name of names) this.pinned.set(name, (this.pinned.get(name) ?? 0) + 1);
    const release = () => {
      for (const name of names) {
        const count = (this.pinned.get(name) ?? 1) - 1;
        if (count <= 0) this.pinned.delete(name);
        else this.pinned.set(name, count);
      }
    };
    try {
      const unique = new Map(loras.map((lora) => [lora.fileName, lora]));
      for (const lora of unique.values()) await this.ensure(lora, signal);
      return { release };
    } catch (error) {
      release();
      throw error;
    }
  }

  /**
   * The path of a LoRA file in the folder, fetched and verified first if need be. A download shared by several jobs
   * is stopped only when every one of them has given up: one owner's Cancel must not cancel another member's render.
   */
  async ensure(lora: RenderLora, signal?: AbortSignal): Promise<string> {
    const fileName = checkedName(lora);
    let shared = this.inflight.get(fileName);
    if (!shared) {
      const controller = new AbortController();
      const work = this.ensureUncached(lora, fileName, controller.signal).finally(() => this.inflight.delete(fileName));
      // Every waiter may have left (each gets its own rejection); the shared outcome is then nobody's to handle.
      work.catch(() => undefined);
      shared = { work, controller, waiting: 0 };
      this.inflight.set(fileName, shared);
    }
    return waitForShared(shared, signal);
  }

  /**
   * The `.safetensors` files in the folder now, subfolders included (downloaded or put there by an admin), by their
   * path below it with `/`: what this worker advertises.
   */
  async listFiles(): Promise<string[]> {
    const entries = await readdir(this.options.dir, { recursive: true, encoding: 'utf8' }).catch(() => [] as string[]);
    return entries
      .map((name) => name.split(path.sep).join('/'))
      .filter((name) => isSafeLoraPath(name))
      .sort()
      .slice(0, MAX_LISTED);
  }

  /** Calls `listener` after a file is added to or removed from the folder; returns the unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** Bytes the cache's downloaded files take. */
  usedBytes(): number {
    return (this.options.db.prepare('SELECT COALESCE(SUM(size_bytes), 0) AS n FROM lora_cache').get() as { n: number })
      .n;
  }

  private async ensureUncached(lora: RenderLora, fileName: string, signal?: AbortSignal): Promise<string> {
    const target = path.join(this.options.dir, ...fileName.split('/'));
    const present = await stat(target).catch(() => undefined);
    if (present) {
      const verdict = await this.checkExisting(target, fileName, lora.sha256);
      if (verdict === 'ok') return target;
      const downloadedHere = this.options.db.prepare('SELECT 1 FROM lora_cache WHERE file_name = ?').get(fileName);
      if (!downloadedHere && !verdict.startsWith('bad header')) {
        // A valid LoRA an admin put here under the same name is someone's file, not a broken download: never delete it.
        throw new RenderError(
          `The LoRA folder already has a different file named ${fileName} (${verdict}). It was left in place: ` +
            'an admin can rename or remove it so the adapter can be fetched.',
          'lora_invalid',
          false,
        );
      }
      // A broken or mismatched file is removed: it must never reach the backend.
      await unlink(target).catch(() => undefined);
      this.options.db.prepare('DELETE FROM lora_cache WHERE file_name = ?').run(fileName);
      this.log.warn({ fileName, reason: verdict }, 'removed a bad LoRA file from the folder');
      this.changed();
    }
    if (lora.source === 'local' || !lora.downloadUrl) {
      throw new RenderError(
        present
          ? `The LoRA file ${fileName} was damaged and has been removed; it has no download address to fetch it again.`
          : `The LoRA file ${fileName} is not in the LoRA folder and has no download address.`,
        'lora_missing',
        false,
      );
    }
    return this.download(lora, fileName, target, signal);
  }

  /** 'ok', or why an existing file cannot be used. */
  private async checkExisting(target: string, fileName: string, sha256?: string): Promise<string> {
    try {
      await readSafetensorsHeader(target);
    } catch (error) {
      return `bad header: ${error instanceof Error ? error.message : String(error)}`;
    }
    const row = this.options.db.prepare('SELECT * FROM lora_cache WHERE file_name = ?').get(fileName) as
      | CacheRow
      | undefined;
    if (sha256) {
      const known = row?.sha256 ?? (await hashFile(target));
      if (known !== sha256) return 'SHA-256 differs from the catalog';
    }
    const now = Date.now();
    if (row) {
      this.options.db.prepare('UPDATE lora_cache SET last_used_at = ? WHERE file_name = ?').run(now, fileName);
    }
    await utimes(target, new Date(now), new Date(now)).catch(() => undefined);
    return 'ok';
  }

  private async download(lora: RenderLora, fileName: string, target: string, signal?: AbortSignal): Promise<string> {
    const { url, hub } = this.downloadAddress(lora, fileName);
    const { maxFileBytes } = this.options;
    if (PICKLE.test(url.pathname)) throw pickleRefusal(fileName);
    if (lora.sizeBytes !== undefined && lora.sizeBytes > maxFileBytes) throw tooLarge(fileName, maxFileBytes);
    await mkdir(this.options.dir, { recursive: true });
    await this.makeRoom(lora.sizeBytes ?? 0, fileName);

    // Each try has deadlines of its own (an answer, no stall, an overall pace); a caller's Cancel still comes first.
    const deadline = new AbortController();
    const stop = signal ? AbortSignal.any([signal, deadline.signal]) : deadline.signal;
    const giveUp = (why: string) =>
      deadline.abort(new RenderError(`The download of ${fileName} ${why}.`, 'lora_download', true));
    const response = await this.fetchWithBackoff(url, hub, fileName, stop, giveUp);
    const disposition = response.headers.get('content-disposition') ?? '';
    const served = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition)?.[1];
    if (served && PICKLE.test(decodeURIComponent(served))) {
      await response.body?.cancel();
      throw pickleRefusal(fileName);
    }
    const contentType = response.headers.get('content-type') ?? '';
    if (/text\/html|application\/xhtml/i.test(contentType)) {
      await response.body?.cancel();
      throw htmlInstead(fileName);
    }
    const declared = Number(response.headers.get('content-length') ?? Number.NaN);
    if (Number.isFinite(declared) && declared > maxFileBytes) {
      await response.body?.cancel();
      throw tooLarge(fileName, maxFileBytes);
    }
    if (!response.body) throw new RenderError(`The download of ${fileName} was empty.`, 'lora_download', true);

    const part = `${target}.${randomBytes(4).toString('hex')}.part`;
    const hash = createHash('sha256');
    let size = 0;
    let firstBytes: Buffer | undefined;
    const body = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
    const expected = Number.isFinite(declared) ? declared : (lora.sizeBytes ?? maxFileBytes);
    const totalMs = BASE_DOWNLOAD_MS + (expected / MIN_BYTES_PER_SECOND) * 1000;
    const stallMs = this.options.stallTimeoutMs ?? 60_000;
    const tooSlow = setTimeout(() => giveUp(`took longer than ${Math.round(totalMs / 60_000)} minutes`), totalMs);
    let stalled = setTimeout(() => giveUp(`stopped receiving data for ${Math.round(stallMs / 1000)} s`), stallMs);
    const onProgress = () => {
      clearTimeout(stalled);
      stalled = setTimeout(() => giveUp(`stopped receiving data for ${Math.round(stallMs / 1000)} s`), stallMs);
    };
    try {
      // pipeline, not write() by hand: a write error (disk full, folder gone) rejects here instead of being an
      // unhandled 'error' event that kills the process, and back-pressure cannot wait for a 'drain' that never comes.
      await pipeline(
        body,
        async function* checked(chunks: AsyncIterable<Buffer>) {
          for await (const bytes of chunks) {
            onProgress();
            if (!firstBytes) {
              firstBytes = bytes;
              if (looksLikeHtml(bytes)) throw htmlInstead(fileName);
            }
            size += bytes.length;
            if (size > maxFileBytes) throw tooLarge(fileName, maxFileBytes);
            hash.update(bytes);
            yield bytes;
          }
        },
        createWriteStream(part, { flags: 'wx' }),
      );
      await readSafetensorsHeader(part).catch((error: unknown) => {
        throw new RenderError(
          `The adapter file ${fileName} is not a valid safetensors file (${error instanceof SafetensorsError ? error.message : 'unreadable'}); it was deleted.`,
          'lora_invalid',
          false,
          { cause: error },
        );
      });
      const digest = hash.digest('hex');
      if (lora.sha256 && digest !== lora.sha256) {
        throw new RenderError(
          `The adapter file ${fileName} does not match its published SHA-256 (got ${digest.slice(0, 12)}…, expected ${lora.sha256.slice(0, 12)}…); it was deleted.`,
          'lora_invalid',
          false,
        );
      }
      await this.makeRoom(size, fileName);
      await rename(part, target);
      this.options.db
        .prepare('INSERT OR REPLACE INTO lora_cache (file_name, size_bytes, sha256, last_used_at) VALUES (?, ?, ?, ?)')
        .run(fileName, size, digest, Date.now());
      this.log.info({ fileName, bytes: size, adapterId: lora.adapterId }, 'LoRA downloaded and verified');
      this.changed();
      return target;
    } catch (error) {
      body.destroy();
      await unlink(part).catch(() => undefined);
      if (error instanceof RenderError) throw error;
      if (stop.aborted) throw stop.reason;
      throw new RenderError(`The download of ${fileName} broke off.`, 'lora_download', true, {
        cause: error,
      });
    } finally {
      clearTimeout(tooSlow);
      clearTimeout(stalled);
    }
  }

  /** Where the catalog's address is fetched from (a public hub's moved onto the configured one), if anywhere. */
  private downloadAddress(lora: RenderLora, fileName: string): { url: URL; hub?: Hub } {
    // A pickle is refused for what it is, wherever it is said to be.
    if (PICKLE.test(URL.canParse(lora.downloadUrl ?? '') ? new URL(lora.downloadUrl ?? '').pathname : '')) {
      throw pickleRefusal(fileName);
    }
    try {
      return this.urls.resolve(lora.downloadUrl ?? '', hubOfSource(lora.source));
    } catch (error) {
      if (!(error instanceof CatalogUrlRefused)) throw error;
      this.log.warn(
        { fileName, adapterId: lora.adapterId, url: lora.downloadUrl, reason: error.reason },
        'LoRA download refused',
      );
      throw new RenderError(`The adapter file ${fileName} is not downloaded: ${error.reason}.`, 'lora_refused', false);
    }
  }

  /**
   * One request for the file, tried again on HTTP 429 (honouring Retry-After). `signal` carries the caller's Cancel
   * and the try's deadlines; `giveUp` fires the latter. Messages name the hub, never its address (a mirror's address
   * is ours): the host goes to the log.
   */
  private async fetchWithBackoff(
    url: URL,
    hub: Hub | undefined,
    fileName: string,
    signal: AbortSignal,
    giveUp: (why: string) => void,
  ): Promise<Response> {
    const tries = this.options.rateLimitTries ?? 4;
    const baseMs = this.options.rateLimitBaseMs ?? 2_000;
    const responseMs = this.options.responseTimeoutMs ?? 60_000;
    const host = url.host;
    const server = hub === 'civitai' ? 'Civitai' : hub === 'huggingface' ? 'Hugging Face' : 'the download server';
    for (let attempt = 1; ; attempt++) {
      let response: Response;
      const noAnswer = setTimeout(
        () => giveUp(`got no answer from ${server} within ${Math.round(responseMs / 1000)} s`),
        responseMs,
      );
      try {
        response = await this.fetchFollowing(url, hub, fileName, signal);
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        if (error instanceof RenderError) throw error;
        this.log.warn({ fileName, host, err: error }, 'LoRA download failed to connect');
        throw new RenderError(`Could not reach ${server} for ${fileName}.`, 'lora_download', true, {
          cause: error,
        });
      } finally {
        clearTimeout(noAnswer);
      }
      if (response.ok) return response;
      await response.body?.cancel();
      this.log.warn({ fileName, host, status: response.status, attempt }, 'LoRA download refused');
      if (response.status === 429 && attempt < tries) {
        const wait = retryAfterMs(response.headers.get('retry-after')) ?? baseMs * 2 ** (attempt - 1);
        this.log.warn({ fileName, host, attempt, waitMs: wait }, 'LoRA download rate-limited, backing off');
        await sleep(Math.min(wait, 120_000), signal);
        continue;
      }
      if (response.status === 401 || response.status === 403) {
        const hint =
          hub === 'civitai'
            ? ' An admin should set CIVITAI_TOKEN (a Civitai API key) with access to it.'
            : hub === 'huggingface'
              ? ' An admin should set HF_TOKEN (a Hugging Face token that accepted the model terms).'
              : '';
        throw new RenderError(
          `${capitalise(server)} refused the download of ${fileName} (HTTP ${response.status}).${hint}`,
          'lora_download',
          false,
        );
      }
      if (response.status === 404) {
        throw new RenderError(
          `The adapter file ${fileName} is no longer available on ${server} (HTTP 404).`,
          'lora_download',
          false,
        );
      }
      if (response.status === 429) {
        throw new RenderError(`${capitalise(server)} is rate-limiting downloads.`, 'lora_download', true);
      }
      throw new RenderError(
        `${capitalise(server)} answered HTTP ${response.status} for ${fileName}.`,
        'lora_download',
        true,
      );
    }
  }

  /** The file's response, redirects followed as the URL policy allows; a token only ever goes to its own hub. */
  private async fetchFollowing(
    start: URL,
    hub: Hub | undefined,
    fileName: string,
    signal: AbortSignal,
  ): Promise<Response> {
    try {
      return await this.urls.fetch(start, { signal, headers: (url) => this.authHeaders(url, hub) });
    } catch (error) {
      if (!(error instanceof CatalogUrlRefused)) throw error;
      this.log.warn({ fileName, from: start.host, reason: error.reason }, 'LoRA download redirect not followed');
      throw new RenderError(`The adapter file ${fileName} is not downloaded: ${error.reason}.`, 'lora_refused', false);
    }
  }

  private authHeaders(url: URL, preferred: Hub | undefined): Record<string, string> {
    const hub = this.urls.hubOf(url, preferred);
    if (hub === 'civitai' && this.options.civitaiToken) return { authorization: `Bearer ${this.options.civitaiToken}` };
    if (hub === 'huggingface' && this.options.hfToken) return { authorization: `Bearer ${this.options.hfToken}` };
    return {};
  }

  private changed(): void {
    for (const listener of this.changeListeners) {
      try {
        listener();
      } catch (error) {
        this.log.warn({ err: error }, 'LoRA folder change listener failed');
      }
    }
  }

  /** Evicts least-recently-used downloaded files (never pinned or in-flight ones) until `incoming` more bytes fit. */
  private async makeRoom(incoming: number, forFile: string): Promise<void> {
    const rows = this.options.db
      .prepare('SELECT * FROM lora_cache WHERE file_name != ? ORDER BY last_used_at ASC')
      .all(forFile) as CacheRow[];
    let used = rows.reduce((sum, row) => sum + row.size_bytes, 0);
    for (const row of rows) {
      if (used + incoming <= this.options.maxBytes) return;
      if (this.pinned.has(row.file_name) || this.inflight.has(row.file_name)) continue;
      await unlink(path.join(this.options.dir, row.file_name)).catch(() => undefined);
      this.options.db.prepare('DELETE FROM lora_cache WHERE file_name = ?').run(row.file_name);
      used -= row.size_bytes;
      this.log.info({ fileName: row.file_name, bytes: row.size_bytes }, 'LoRA evicted from the cache');
      this.changed();
    }
    if (used + incoming > this.options.maxBytes) {
      throw new RenderError(
        `The LoRA cache is full (LORA_CACHE_MAX_GB) with files in use; ${forFile} cannot be fetched now.`,
        'lora_download',
        true,
      );
    }
  }
}

/**
 * The job's file name, checked again here (a job may come from another process): a safe path below the folder; only
 * an admin's local files live in subfolders, downloads go to the top.
 */
function checkedName(lora: RenderLora): string {
  const name = lora.fileName;
  if (PICKLE.test(name)) throw pickleRefusal(name);
  if (!isSafeLoraPath(name) || (lora.source !== 'local' && name.includes('/'))) {
    throw new RenderError(`The adapter file name "${name.slice(0, 80)}" is not allowed.`, 'lora_refused', false);
  }
  return name;
}

function pickleRefusal(fileName: string): RenderError {
  return new RenderError(
    `The adapter ${fileName} is only available as a pickle file (.ckpt/.pt/.bin), which can run code; only .safetensors files are used.`,
    'lora_refused',
    false,
  );
}

function tooLarge(fileName: string, maxBytes: number): RenderError {
  return new RenderError(
    `The adapter file ${fileName} is larger than the ${Math.round(maxBytes / 1024 / 1024)} MB limit (LORA_MAX_FILE_MB).`,
    'lora_refused',
    false,
  );
}

function htmlInstead(fileName: string): RenderError {
  return new RenderError(
    `The download of ${fileName} returned a web page (a login page?) instead of the file. An admin may need to set CIVITAI_TOKEN or HF_TOKEN.`,
    'lora_download',
    false,
  );
}

function hubOfSource(source: RenderLora['source']): Hub | undefined {
  return source === 'civitai' || source === 'huggingface' ? source : undefined;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function looksLikeHtml(bytes: Buffer): boolean {
  const head = bytes.subarray(0, 64).toString('utf8').trimStart().toLowerCase();
  return (
    head.startsWith('<!doctype') || head.startsWith('<html') || head.startsWith('<head') || head.startsWith('<?xml')
  );
}

/** Retry-After in seconds or as an HTTP date. */
export function retryAfterMs(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

async function hashFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The worker's LoRA cache as configured (LORA_DIR and its limits, hub tokens and URLs); undefined without LORA_DIR. */
export function loraCacheFromConfig(config: Config, db: SqliteDatabase, log: Logger): LoraCache | undefined {
  if (!config.LORA_DIR) return undefined;
  return new LoraCache({
    dir: config.LORA_DIR,
    db,
    maxBytes: config.LORA_CACHE_MAX_GB * 1024 ** 3,
    maxFileBytes: config.LORA_MAX_FILE_MB * 1024 ** 2,
    civitaiToken: config.CIVITAI_TOKEN,
    hfToken: config.HF_TOKEN,
    civitaiUrl: config.CIVITAI_API_URL,
    hfUrl: config.HF_ENDPOINT,
    allowedHosts: config.STYLUS_ALLOWED_DOWNLOAD_HOSTS,
    log,
  });
}
