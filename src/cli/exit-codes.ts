import type { RunReport } from '../catalog/ingest/report.js';

/**
 * The exit statuses of `stylus` (documented in the README and in `stylus --help`). A script can tell a run that did
 * part of its work (3) from one that did none of it (4), and both from a wrong command line (2).
 */
export const EXIT = {
  ok: 0,
  /** An expected failure (a setting, a file, a service): one sentence on stderr says which and what to do. */
  failed: 1,
  usage: 2,
  /** Some records failed, others were done: the summary lists the failed ones by kind. */
  partial: 3,
  /** Records were there to process and every one of them failed (a dead endpoint, a file of the wrong kind). */
  nothingSucceeded: 4,
  /** Ctrl-C or SIGTERM: what was done is kept; the same command goes on. */
  interrupted: 130,
} as const;

export const EXIT_CODES_HELP =
  'Exit status: 0 done; 1 failed (one line on stderr says why); 2 wrong command line; 3 some records failed; ' +
  '4 every record failed (nothing was done); 130 interrupted (run the same command again to go on).';

/** Outcomes that mean a record was dealt with; anything counted `failed` was not. */
const DONE_OUTCOMES = ['added', 'updated', 'reclassified', 'unchanged', 'refined', 'embedded'];

export function doneCount(report: RunReport): number {
  return DONE_OUTCOMES.reduce((sum, outcome) => sum + report.get(outcome), 0);
}

/** 0 when nothing failed, 3 when some records failed and others were done, 4 when every attempt failed. */
export function reportExitCode(report: RunReport): number {
  if (report.get('failed') === 0) return EXIT.ok;
  return doneCount(report) === 0 ? EXIT.nothingSucceeded : EXIT.partial;
}

/** For a run of several steps (ingest, then refine, then embed): the worst step decides. */
export function runExitCode(reports: readonly RunReport[]): number {
  return Math.max(EXIT.ok, ...reports.map(reportExitCode));
}
