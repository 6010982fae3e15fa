/**
 * Seeded synthetic embeddings for the dense benches (never from a model). `clustered`: 200 centres, each row a centre
 * plus uniform noise (the bench's original set; the top 150 of a query sit in its cluster, far above the rest).
 * `topics`: closer to text embeddings: a shared mean direction, 50 topics split into 2000 subtopics, and a spectrum
 * that decays over the dimensions, so that scores fall off smoothly past the best hits. `gaussian`: isotropic noise,
 * the hardest case for HNSW and for the int8 bounds (no structure at all).
 */
import { normalised } from '../src/catalog/dense-index.js';
import { seededRandom } from '../src/stylus/masks.js';

export const VECTOR_KINDS = ['clustered', 'topics', 'gaussian'] as const;
export type VectorKind = (typeof VECTOR_KINDS)[number];

/** Returns a generator of normalised vectors; `index` picks the cluster of `clustered` rows. */
export function vectorSource(kind: VectorKind, dims: number, seed = 11): (index: number) => Float32Array {
  const random = seededRandom(seed);
  const gaussian = () => Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
  if (kind === 'clustered') {
    const centres = Array.from({ length: 200 }, () => Float32Array.from({ length: dims }, () => random() * 2 - 1));
    return (index) => {
      const centre = centres[index % centres.length] as Float32Array;
      return normalised(Float32Array.from(centre, (value) => value + (random() * 2 - 1) * 0.8));
    };
  }
  if (kind === 'gaussian') return () => normalised(Float32Array.from({ length: dims }, gaussian));
  const spectrum = Float32Array.from({ length: dims }, (_, d) => 1 / Math.sqrt(1 + d / 20));
  const mean = Float32Array.from({ length: dims }, () => gaussian() * 0.5);
  const topics = Array.from({ length: 50 }, () => Float32Array.from(spectrum, (scale) => gaussian() * scale));
  const subtopics = Array.from({ length: 2000 }, (_, index) =>
    Float32Array.from(topics[index % topics.length] as Float32Array, (value, d) => {
      return value + gaussian() * (spectrum[d] as number) * 0.7;
    }),
  );
  return () => {
    const subtopic = subtopics[Math.floor(random() * subtopics.length)] as Float32Array;
    return normalised(
      Float32Array.from(
        subtopic,
        (value, d) => (mean[d] as number) + value + gaussian() * (spectrum[d] as number) * 0.6,
      ),
    );
  };
}
