import { expect, type TestContext } from 'vitest';

/**
 * What one fault test observed, printed by the fault reporter (test/support/fault-reporter.ts) as the suite's line
 * for that fault. Every figure is counted from the fakes' recorded requests, the queue or the stores: never a constant.
 */
export interface FaultFigures {
  /** The fault, as the summary names it. */
  name: string;
  /** The load the bot kept serving through the fault: what and how much. */
  load: string;
  /** How many times the fault struck (429s answered, 500s served, processes killed, restarts...). */
  faultsSurvived: number;
  /** Members who got their images or one clear sentence, of all the members who asked. */
  membersAnswered: number;
  members: number;
  jobsLost: number;
  duplicated: number;
}

declare module 'vitest' {
  interface TaskMeta {
    fault?: FaultFigures;
  }
}

/** Records the figures for the summary, then holds the suite's rule: nothing lost, nothing twice, everyone answered. */
export function recordFault(context: TestContext, figures: FaultFigures): void {
  context.task.meta.fault = figures;
  expect(figures.faultsSurvived, 'the fault never struck').toBeGreaterThan(0);
  expect({ answered: figures.membersAnswered, lost: figures.jobsLost, duplicated: figures.duplicated }).toEqual({
    answered: figures.members,
    lost: 0,
    duplicated: 0,
  });
}
