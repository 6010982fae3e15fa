import { readFile } from 'node:fs/promises';
import { UserFacingError } from '../../errors.js';
import type { Adapter } from '../adapter.js';

/**
 * Adapters an admin never wants in the catalog. One entry a line, `#` starts a comment:
 * an adapter id (`civitai:1234`, `hf:owner/repo`, `local:stem`), or `name:<text>` to drop every adapter whose name
 * contains the text (case-insensitive; the Stylus paper drops "slider" adapters this way).
 */
export class Blacklist {
  private constructor(
    private readonly ids: ReadonlySet<string>,
    private readonly nameParts: readonly string[],
  ) {}

  static empty(): Blacklist {
    return new Blacklist(new Set(), []);
  }

  static parse(text: string): Blacklist {
    const ids = new Set<string>();
    const nameParts: string[] = [];
    for (const raw of text.split(/\r?\n/)) {
      const line = raw.replace(/#.*$/, '').trim();
      if (!line) continue;
      if (line.toLowerCase().startsWith('name:')) {
        const part = line.slice(5).trim().toLowerCase();
        if (part) nameParts.push(part);
      } else ids.add(line);
    }
    return new Blacklist(ids, nameParts);
  }

  static async load(file: string): Promise<Blacklist> {
    try {
      return Blacklist.parse(await readFile(file, 'utf8'));
    } catch (error) {
      throw new UserFacingError(`Cannot read the blacklist file ${file}: ${(error as Error).message}`, 'usage', {
        cause: error,
      });
    }
  }

  /** Why the adapter is blacklisted, or undefined. */
  reason(adapter: Pick<Adapter, 'id' | 'name'>): string | undefined {
    if (this.ids.has(adapter.id)) return 'blacklisted: by id';
    const name = adapter.name.toLowerCase();
    const part = this.nameParts.find((candidate) => name.includes(candidate));
    return part ? `blacklisted: name contains "${part}"` : undefined;
  }

  /** The entries, in a stable form: part of the composition cache key. */
  get fingerprint(): string {
    return JSON.stringify([[...this.ids].sort(), [...this.nameParts].sort()]);
  }

  get size(): number {
    return this.ids.size + this.nameParts.length;
  }
}
