import { createRequire } from 'node:module';

export type Usearch = typeof import('usearch');
let usearchModule: Usearch | null | undefined;

/** usearch, loaded on first use; null where its native module does not load (the plain scan answers then). */
export function usearch(): Usearch | null {
  if (usearchModule === undefined) {
    try {
      usearchModule = createRequire(import.meta.url)('usearch') as Usearch;
    } catch {
      usearchModule = null;
    }
  }
  return usearchModule;
}
