import type { Reporter, TestModule } from 'vitest/node';
import type { FaultFigures } from './fault-record.js';

/** Prints one line per fault a test recorded (recordFault) after the run, so CI's log shows what each fault held. */
export default class FaultReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const lines: string[] = [];
    for (const testModule of testModules) {
      for (const test of testModule.children.allTests()) {
        const fault: FaultFigures | undefined = test.meta().fault;
        if (!fault) continue;
        const state = test.result().state;
        lines.push(
          `fault ${fault.name}: load held ${fault.load}, faults survived ${fault.faultsSurvived}, ` +
            `members answered ${fault.membersAnswered}/${fault.members}, jobs lost ${fault.jobsLost}, ` +
            `duplicated ${fault.duplicated}${state === 'passed' ? '' : ` (test ${state})`}`,
        );
      }
    }
    if (lines.length > 0) process.stdout.write(`\nFault suite (${lines.length} faults):\n${lines.join('\n')}\n`);
  }
}
