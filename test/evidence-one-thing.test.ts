import { describe, expect, it } from 'vitest';
import { enforceCaps } from '../src/stylus/caps.js';
import { asCandidates, makeAdapter, picksFrom } from './support/adapters.js';
import { INSANOBOT, MK_ULTRA } from './support/dump-items.js';

/**
 * A member asking for one thing gets adapters that say it: a second adapter for a task is named for it (or asked for
 * by its own coined trigger: evidence-coined-triggers.test.ts), not only tagged with it; a place named for a genre is built in that genre. Names, tags
 * and triggers are written after real dump items.
 */
const HUMANOID_ROBOTS = makeAdapter({
  id: 'civitai:6888',
  name: '[LuisaP] 🤖 Humanoid Robots [1MB]',
  category: 'other',
  tags: ['cyborg', 'luisap', '[luisap]', 'robots'],
  triggerWords: ['robot'],
});
const SCIENCE_FICTION_ARCHITECTURE = makeAdapter({
  id: 'civitai:25391',
  name: 'XSarchitectural-9Science fiction',
  category: 'building',
  tags: ['architecture', 'buildings', 'architecture design'],
  triggerWords: ['music theater', 'architectural photography', 'active', 'architecture', 'archdaily', 'composition'],
});
const FANTASY_ARCHITECTURE = makeAdapter({
  id: 'civitai:25537',
  name: 'XSarchitectural-11Fantasyarchitecture',
  category: 'building',
  tags: ['buildings', 'architecture design'],
  triggerWords: ['small alien media center', 'architectural photography', 'architecture', 'archdaily', 'photorealism'],
});

describe('a second adapter for a task is named for it', () => {
  const picks = picksFrom([INSANOBOT, MK_ULTRA, HUMANOID_ROBOTS]);

  it('takes no adapter only tagged "robot" beside robots named so', () => {
    const robot = picks('a robot, art deco');
    expect(robot).toContain('civitai:90119');
    expect(robot).not.toContain('civitai:52543');
  });

  it('still takes one that is only tagged as the task, alone', () => {
    expect(picksFrom([MK_ULTRA])('a robot')).toEqual(['civitai:52543']);
  });
});

describe('a place named for a genre', () => {
  const picks = picksFrom([SCIENCE_FICTION_ARCHITECTURE, FANTASY_ARCHITECTURE]);

  it('builds nothing in a genre nobody asked for', () => {
    expect(picks('architectural photography, modernist architecture')).toEqual([]);
    expect(picks('sketch, architecture')).toEqual([]);
  });

  it("holds the LLM composer's picks to it", () => {
    const { tasks, repairs } = enforceCaps(
      'architectural photography, modernist architecture',
      [{ task: 'modernist architecture', adapters: [{ adapterId: 'civitai:25537', reason: 'the LLM liked it' }] }],
      asCandidates([FANTASY_ARCHITECTURE]),
    );
    expect(tasks[0]?.adapters).toEqual([]);
    expect(repairs.join(' ')).toContain('fantasy');
  });

  it('builds in the genre asked for, written apart or together', () => {
    expect(picks('sci-fi architecture, architectural photography')).toEqual(['civitai:25391']);
    expect(picks('fantasy architecture, architectural photography')).toEqual(['civitai:25537']);
  });
});
