/** Helpers every benchmark shares: seeded vectors, percentiles, and the one-JSON-object-a-line result format. */
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
