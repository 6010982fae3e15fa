import type { Adapter } from '../adapter.js';

/**
 * What every source yields, one per model or file: a validated record, or why there is none. `key` names the
 * record in reports: its adapter id when known, else where it was read (`dump.jsonl:12`, a file name).
 */
export interface SourceRecord {
  key: string;
  adapter?: Adapter;
  /** Expected non-records (`code: detail`): no safetensors file, not a LoRA. Counted, not errors. */
  skipped?: string;
  /** Bad input (`code: detail`): malformed JSON, a truncated file, a failed request for this record. */
  error?: string;
  /** Repairs (`code: detail`): an unknown base model kept as "other", a cut trigger phrase. */
  warnings: string[];
  /** Changes when the hub's record changes (version id, file hash): an unchanged record is not rewritten. */
  versionKey?: string;
}

/** `code: detail` -> `code`. */
export function problemCode(problem: string): string {
  const colon = problem.indexOf(':');
  return colon > 0 ? problem.slice(0, colon) : problem;
}

/** The version key of a record that has no hub version: its file hash, else its version id. */
export function versionKeyOf(adapter: Adapter): string {
  return [adapter.sourceIds.versionId ?? '', adapter.sha256 ?? ''].join(':');
}
