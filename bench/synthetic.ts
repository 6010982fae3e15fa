import { type Adapter, CATEGORIES, parseAdapter } from '../src/catalog/adapter.js';
import { seededRandom } from '../src/stylus/masks.js';

const SYLLABLES = [
  'ka',
  'ri',
  'mo',
  'zen',
  'lu',
  'tor',
  'vi',
  'sa',
  'ne',
  'ol',
  'qu',
  'ix',
  'da',
  'fe',
  'gor',
  'hy',
  'pa',
  'el',
  'un',
  'bri',
];

/** A vocabulary of pronounceable pseudo-words; word frequencies follow Zipf's law, as real prompt words do. */
export class Vocabulary {
  readonly words: string[] = [];
  private readonly cumulative: number[] = [];

  constructor(size: number, random: () => number) {
    const seen = new Set<string>();
    while (this.words.length < size) {
      const parts = 2 + Math.floor(random() * 3);
      let word = '';
      for (let i = 0; i < parts; i++) word += SYLLABLES[Math.floor(random() * SYLLABLES.length)];
      if (seen.has(word)) continue;
      seen.add(word);
      this.words.push(word);
    }
    let total = 0;
    for (let rank = 1; rank <= size; rank++) {
      total += 1 / rank;
      this.cumulative.push(total);
    }
  }

  sample(random: () => number): string {
    const target = random() * (this.cumulative.at(-1) ?? 1);
    let low = 0;
    let high = this.cumulative.length - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((this.cumulative[mid] ?? 0) < target) low = mid + 1;
      else high = mid;
    }
    return this.words[low] ?? 'word';
  }

  phrase(random: () => number, length: number): string {
    return Array.from({ length }, () => this.sample(random)).join(' ');
  }
}

/** A synthetic catalog shaped like Civitai's: short names, a few triggers and tags, a description, sample prompts. */
export function syntheticCatalog(size: number, seed = 1): { adapters: Adapter[]; vocabulary: Vocabulary } {
  const random = seededRandom(seed);
  const vocabulary = new Vocabulary(30_000, random);
  const adapters: Adapter[] = [];
  for (let i = 0; i < size; i++) {
    const name = vocabulary.phrase(random, 2 + Math.floor(random() * 2));
    adapters.push(
      parseAdapter({
        id: `civitai:${100000 + i}`,
        source: 'civitai',
        name,
        description: vocabulary.phrase(random, 30 + Math.floor(random() * 30)),
        category: CATEGORIES[Math.floor(random() * CATEGORIES.length)],
        tags: Array.from({ length: 3 + Math.floor(random() * 4) }, () => vocabulary.sample(random)),
        triggerWords: Array.from({ length: 1 + Math.floor(random() * 2) }, () =>
          vocabulary.phrase(random, 1 + Math.floor(random() * 2)),
        ),
        baseFamily: random() < 0.7 ? 'sd1' : 'sdxl',
        fileName: `${name.replaceAll(' ', '_')}.safetensors`,
        examplePrompts: Array.from({ length: Math.floor(random() * 4) }, () =>
          vocabulary.phrase(random, 15 + Math.floor(random() * 15)),
        ),
        popularity: { downloads: Math.floor(random() * 100_000), likes: Math.floor(random() * 5000) },
      }),
    );
  }
  return { adapters, vocabulary };
}

/** Prompts like a member's: about 20 words, some of them an adapter's name or trigger. */
export function syntheticPrompts(
  count: number,
  catalog: readonly Adapter[],
  vocabulary: Vocabulary,
  seed = 2,
): string[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => {
    const target = catalog[Math.floor(random() * catalog.length)];
    const words = vocabulary.phrase(random, 14 + Math.floor(random() * 10)).split(' ');
    if (target) words.splice(Math.floor(random() * words.length), 0, ...target.name.split(' '));
    // Commas make segments, as in real prompts.
    return words.map((word, index) => (index % 4 === 3 ? `${word},` : word)).join(' ');
  });
}

export function randomUnitVector(random: () => number, dims: number): Float32Array {
  const vector = new Float32Array(dims);
  for (let d = 0; d < dims; d++) vector[d] = random() * 2 - 1;
  return vector;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

export function summarise(samples: readonly number[]): { p50: number; p95: number; p99: number; n: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (value: number) => Math.round(value * 100) / 100;
  return {
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    n: sorted.length,
  };
}

/** One benchmark result: a JSON object on its own line, as bench/run.ts collects them. */
export function report(result: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
