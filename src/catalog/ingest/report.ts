import { problemCode } from '../sources/types.js';

/** Outcomes print in this order (what was done first, then what was not); others follow. */
const OUTCOME_ORDER = [
  'read',
  'added',
  'updated',
  'reclassified',
  'unchanged',
  'refined',
  'embedded',
  'skipped',
  'filtered',
  'failed',
];

function outcomeRank(name: string): number {
  const rank = OUTCOME_ORDER.indexOf(name);
  return rank === -1 ? OUTCOME_ORDER.length : rank;
}

/**
 * What a run did, and every problem it met by kind, with the record ids: the admin reads it at the end of a
 * long run instead of scrolling back through log lines.
 */
export class RunReport {
  readonly outcomes = new Map<string, number>();
  /** problem code -> record ids (or locations). */
  readonly problems = new Map<string, string[]>();

  constructor(readonly title: string) {}

  count(outcome: string, by = 1): void {
    this.outcomes.set(outcome, (this.outcomes.get(outcome) ?? 0) + by);
  }

  get(outcome: string): number {
    return this.outcomes.get(outcome) ?? 0;
  }

  /** Records one problem (`code: detail`) met by one record. */
  problem(problem: string, recordId: string): void {
    const code = problemCode(problem);
    const ids = this.problems.get(code) ?? [];
    ids.push(recordId);
    this.problems.set(code, ids);
  }

  problemCount(code: string): number {
    return this.problems.get(code)?.length ?? 0;
  }

  /** Plain lines for a terminal or a log: outcomes, then each problem kind with up to `maxIds` ids. */
  lines(maxIds = 20): string[] {
    const outcomes = [...this.outcomes].sort((a, b) => outcomeRank(a[0]) - outcomeRank(b[0]));
    const out = [`${this.title}: ${outcomes.map(([name, n]) => `${n} ${name}`).join(', ') || 'nothing to do'}`];
    const kinds = [...this.problems].sort((a, b) => b[1].length - a[1].length);
    for (const [code, ids] of kinds) {
      const shown = [...new Set(ids)].slice(0, maxIds).join(', ');
      const more = new Set(ids).size > maxIds ? ` and ${new Set(ids).size - maxIds} more` : '';
      out.push(`  ${code}: ${ids.length} (${shown}${more})`);
    }
    return out;
  }

  toJSON(): { title: string; outcomes: Record<string, number>; problems: Record<string, string[]> } {
    return {
      title: this.title,
      outcomes: Object.fromEntries(this.outcomes),
      problems: Object.fromEntries(this.problems),
    };
  }
}
