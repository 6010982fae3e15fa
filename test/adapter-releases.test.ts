import { describe, expect, it } from 'vitest';
import { enforceCaps, otherReleaseOf } from '../src/stylus/caps.js';
import { asCandidates, makeAdapter, picksFrom } from './support/adapters.js';

/** Releases of one adapter on Civitai, from the 2023-07 dump's facts: stacked, they draw one look twice. */
const biopunk = makeAdapter({
  id: 'civitai:80375',
  name: 'BiopunkAI',
  category: 'style',
  tags: ['style'],
  triggerWords: ['BiopunkAI'],
});
const biopunk2 = makeAdapter({
  id: 'civitai:91807',
  name: 'BiopunkAI 2',
  category: 'style',
  tags: ['style'],
  triggerWords: ['BiopunkAI'],
});
const vacuum = makeAdapter({ id: 'hf:vacuum', name: 'Vacuum Cleaner', category: 'object', tags: ['vacuum cleaner'] });

describe('one release of an adapter per composition', () => {
  it('picks one of "BiopunkAI" and "BiopunkAI 2", and the next adapter still gets its place', () => {
    const picks = picksFrom([biopunk, biopunk2, vacuum])('BiopunkAI vacuum cleaner');
    expect(picks).toHaveLength(2);
    expect(picks.filter((id) => id === biopunk.id || id === biopunk2.id)).toHaveLength(1);
    expect(picks).toContain(vacuum.id);
  });

  it("drops an LLM's second release with the reason", () => {
    const { tasks, repairs } = enforceCaps(
      'BiopunkAI vacuum cleaner',
      [
        {
          task: 'BiopunkAI vacuum cleaner',
          adapters: [
            { adapterId: biopunk.id, reason: 'biopunk' },
            { adapterId: biopunk2.id, reason: 'biopunk again' },
          ],
        },
      ],
      asCandidates([biopunk, biopunk2]),
    );
    expect(tasks[0]?.adapters.map((pick) => pick.adapterId)).toEqual([biopunk.id]);
    expect(repairs).toEqual([
      `${biopunk2.id} dropped from "BiopunkAI vacuum cleaner": another release of an adapter the composition has`,
    ]);
  });

  it('reads versions written as "_v1", "v2" or "2.0", and tells apart names that differ beyond them', () => {
    const named = (id: string, name: string) => makeAdapter({ id, name, category: 'style' });
    expect(otherReleaseOf(named('hf:a', 'NijiExpressive_v1'), named('hf:b', 'NijiExpressive_v2'))).toBe(true);
    expect(otherReleaseOf(named('hf:a', 'Graphic design'), named('hf:b', 'Graphic design_2.0'))).toBe(true);
    expect(otherReleaseOf(named('hf:a', 'spaceship'), named('hf:b', 'SpaceshipAI'))).toBe(false);
    // Names in Han differ where their Latin words agree.
    expect(otherReleaseOf(named('hf:a', '袁藤冲人style'), named('hf:b', '壱珂Style'))).toBe(false);
  });
});
