import { isIP } from 'node:net';
import type { Config } from '../config.js';

/**
 * Which URLs from catalog data (LoRA download addresses, example and preview images) may be fetched, and where.
 * Catalog records come from hubs, dumps and files an admin loads: a record must not make the worker or the refiner
 * fetch an internal address (169.254.169.254, a service on the LAN) or a local file. So:
 * - only http(s);
 * - only the configured hubs' hosts (CIVITAI_API_URL's, HF_ENDPOINT's), Civitai's image CDN, and the hosts an admin
 *   lists in STYLUS_ALLOWED_DOWNLOAD_HOSTS;
 * - a URL of the public hubs (civitai.com, huggingface.co) is rewritten onto the configured one, so a mirror or an
 *   air-gapped copy serves what the catalog names (the catalog keeps the public addresses).
 * Redirects are the hub's choice (a signed CDN address): they are followed over https to any name that is not an
 * internal address, or to an allowed host.
 */

export type Hub = 'civitai' | 'huggingface';

export interface UrlPolicyOptions {
  /** CIVITAI_API_URL (https://civitai.com). */
  civitaiUrl?: string;
  /** HF_ENDPOINT (https://huggingface.co). */
  hfUrl?: string;
  /** STYLUS_ALLOWED_DOWNLOAD_HOSTS: `host`, `host:port` or `*.domain`. */
  extraHosts?: readonly string[];
}

/** A catalog URL that may not be fetched; the message says why, without echoing the whole address. */
export class CatalogUrlRefused extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'CatalogUrlRefused';
  }
}

const PUBLIC_HOSTS: Record<Hub, readonly string[]> = {
  civitai: ['civitai.com', 'www.civitai.com', 'civitai.red'],
  huggingface: ['huggingface.co', 'www.huggingface.co', 'hf.co'],
};
const CIVITAI_IMAGE_CDN = 'image.civitai.com';
const MAX_REDIRECTS = 5;

export class CatalogUrlPolicy {
  private readonly hubs: Record<Hub, URL>;
  private readonly allowed: string[];

  constructor(options: UrlPolicyOptions = {}) {
    this.hubs = {
      civitai: new URL(options.civitaiUrl ?? 'https://civitai.com'),
      huggingface: new URL(options.hfUrl ?? 'https://huggingface.co'),
    };
    this.allowed = [
      this.hubs.civitai.host,
      this.hubs.huggingface.host,
      CIVITAI_IMAGE_CDN,
      ...(options.extraHosts ?? []).map((host) => host.trim().toLowerCase()).filter((host) => host !== ''),
    ];
  }

  /**
   * The address to fetch for a catalog URL, and the hub it belongs to (for its token). Throws CatalogUrlRefused for
   * anything but http(s) on an allowed host.
   */
  resolve(raw: string, preferred?: Hub): { url: URL; hub?: Hub } {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new CatalogUrlRefused('it is not a valid URL');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new CatalogUrlRefused(`only http(s) addresses are fetched, not ${url.protocol.replace(':', '')}`);
    }
    if (url.username || url.password) throw new CatalogUrlRefused('addresses with credentials are not fetched');
    const mirrored = this.onConfiguredHub(url);
    if (!this.isAllowedHost(mirrored.host)) {
      throw new CatalogUrlRefused(
        `its host is not a configured hub (CIVITAI_API_URL, HF_ENDPOINT) nor in STYLUS_ALLOWED_DOWNLOAD_HOSTS`,
      );
    }
    const hub = this.hubOf(mirrored, preferred);
    return hub ? { url: mirrored, hub } : { url: mirrored };
  }

  /** Whether a redirect answered by a host we fetched from may be followed. */
  followable(target: URL): boolean {
    if (this.isAllowedHost(target.host)) return target.protocol === 'https:' || target.protocol === 'http:';
    return target.protocol === 'https:' && !target.username && !target.password && !isInternalHost(target.hostname);
  }

  /**
   * GET with redirects followed by hand, each hop checked with `followable`; `headers` is asked per hop, so a token
   * meant for one host never travels along a redirect to another. Throws CatalogUrlRefused for a hop not allowed.
   */
  async fetch(
    start: URL,
    init: { signal?: AbortSignal; headers?: (url: URL) => Record<string, string> } = {},
  ): Promise<Response> {
    let url = start;
    for (let hop = 0; ; hop++) {
      const response = await fetch(url, {
        headers: init.headers?.(url) ?? {},
        redirect: 'manual',
        ...(init.signal ? { signal: init.signal } : {}),
      });
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location) return response;
      await response.body?.cancel();
      const next = new URL(location, url);
      if (hop >= MAX_REDIRECTS || !this.followable(next)) {
        throw new CatalogUrlRefused('its server sent it on to an address that is not allowed');
      }
      url = next;
    }
  }

  /** The configured hub a URL is on (its token may go there), by host; `preferred` first when both share a host. */
  hubOf(url: URL, preferred?: Hub): Hub | undefined {
    if (preferred && url.host === this.hubs[preferred].host) return preferred;
    if (url.host === this.hubs.civitai.host) return 'civitai';
    if (url.host === this.hubs.huggingface.host) return 'huggingface';
    return undefined;
  }

  /** A public hub address moved onto the configured hub: same path and query under the configured base. */
  private onConfiguredHub(url: URL): URL {
    for (const hub of ['civitai', 'huggingface'] as const) {
      const base = this.hubs[hub];
      if (!PUBLIC_HOSTS[hub].includes(url.hostname.toLowerCase()) || url.host === base.host) continue;
      const prefix = base.pathname.replace(/\/+$/, '');
      return new URL(`${base.origin}${prefix}${url.pathname}${url.search}`);
    }
    return url;
  }

  private isAllowedHost(host: string): boolean {
    const lower = host.toLowerCase();
    const hostname = lower.replace(/:\d+$/, '');
    return this.allowed.some((entry) =>
      entry.startsWith('*.') ? hostname.endsWith(entry.slice(1)) : entry === lower || entry === hostname,
    );
  }
}

/** Loopback, private, link-local, unique-local, unspecified addresses and localhost names. */
export function isInternalHost(hostname: string): boolean {
  const name = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (name === 'localhost' || name.endsWith('.localhost') || name.endsWith('.internal')) return true;
  const version = isIP(name);
  if (version === 4) {
    const [a = 0, b = 0] = name.split('.').map(Number);
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 100 && b >= 64 && b <= 127)
    );
  }
  if (version === 6) {
    if (name === '::' || name === '::1') return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(name)?.[1];
    if (mapped) return isInternalHost(mapped);
    return /^f[cd]/.test(name) || /^fe[89ab]/.test(name);
  }
  return false;
}

/** The policy as configured: the hubs' URLs and STYLUS_ALLOWED_DOWNLOAD_HOSTS. */
export function catalogUrlPolicy(
  config: Pick<Config, 'CIVITAI_API_URL' | 'HF_ENDPOINT' | 'STYLUS_ALLOWED_DOWNLOAD_HOSTS'>,
): CatalogUrlPolicy {
  return new CatalogUrlPolicy({
    civitaiUrl: config.CIVITAI_API_URL,
    hfUrl: config.HF_ENDPOINT,
    extraHosts: config.STYLUS_ALLOWED_DOWNLOAD_HOSTS,
  });
}
