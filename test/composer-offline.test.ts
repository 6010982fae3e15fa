import { describe, expect, it } from 'vitest';
import { enforceCaps, MAX_TASKS } from '../src/stylus/caps.js';
import { composeTasks } from '../src/stylus/composer.js';
import { composeOffline } from '../src/stylus/offline-composer.js';
import type { ComposedTask } from '../src/stylus/types.js';
import { asCandidates, makeAdapter } from './support/adapters.js';

const catalog = [
  makeAdapter({ id: 'hf:t/pixel', name: 'Pixel Art XL', category: 'style', tags: ['pixel art', 'retro'] }),
  makeAdapter({ id: 'hf:t/albumen', name: 'Albumen Print', category: 'style', tags: ['sepia', 'antique photo'] }),
  makeAdapter({
    id: 'hf:t/ukiyo',
    name: 'Ukiyo-e Art',
    category: 'style',
    tags: ['ukiyo-e', 'woodblock print', 'japanese art'],
    triggerWords: ['Ukiyo-e Art'],
  }),
  makeAdapter({
    id: 'hf:t/astro-cat',
    name: 'Astronaut Cat Helmet Pack',
    category: 'concept',
    tags: ['cat', 'helmet'],
  }),
  makeAdapter({ id: 'hf:t/marine', name: 'Space Marine', category: 'character', tags: ['warhammer', 'armor'] }),
  makeAdapter({ id: 'hf:t/dog', name: 'Dog Portraits', category: 'animal', tags: ['dog', 'pet photography'] }),
  makeAdapter({ id: 'hf:t/watercolor', name: 'Watercolor Style', category: 'style', tags: ['watercolor', 'painting'] }),
  makeAdapter({ id: 'hf:t/anime-wc', name: 'Anime Watercolor', category: 'style', triggerWords: ['watercolor'] }),
  makeAdapter({ id: 'hf:t/wc-wash', name: 'Watercolor Wash', category: 'style', tags: ['watercolor'] }),
  makeAdapter({ id: 'hf:t/fox', name: 'Red Fox', category: 'animal', tags: ['fox', 'red fox'] }),
  makeAdapter({ id: 'hf:t/miku', name: 'Hatsune Miku', category: 'character', tags: ['vocaloid', 'girl'] }),
];
const candidates = asCandidates(catalog);
const PROMPT = 'a corgi astronaut floating in space, ukiyo-e woodblock print style';

describe('offline composer', () => {
  it('maps "ukiyo-e" to the ukiyo-e adapter and nothing to tasks with no grounded adapter', async () => {
    const result = await composeTasks({ prompt: PROMPT, candidates });
    expect(result.composer).toBe('offline');
    expect(result.tasks.map((task) => task.task)).toEqual([
      'corgi astronaut',
      'floating in space',
      'ukiyo-e woodblock print style',
    ]);
    const [corgi, space, ukiyo] = result.tasks;
    expect(ukiyo?.adapters.map((a) => a.adapterId)).toEqual(['hf:t/ukiyo']);
    expect(ukiyo?.adapters[0]?.reason).toMatch(/Ukiyo-e Art/);
    // "Astronaut Cat Helmet Pack" shares one word but would bring a cat and a helmet; "Space Marine" shares one.
    expect(corgi?.adapters).toEqual([]);
    expect(space?.adapters).toEqual([]);
  });

  it('is deterministic', () => {
    expect(composeOffline(PROMPT, candidates)).toEqual(composeOffline(PROMPT, candidates));
  });

  it('keeps at most 2 style adapters even when 3 ground, and gives each adapter to one task only', () => {
    const tasks = composeOffline('a watercolor painting of a red fox, watercolor wash, pixel art', candidates);
    const chosen = tasks.flatMap((task) => task.adapters.map((a) => a.adapterId));
    expect(new Set(chosen).size).toBe(chosen.length);
    const styles = chosen.filter((id) => catalog.find((a) => a.id === id)?.category === 'style');
    expect(styles).toHaveLength(2);
    expect(tasks.find((task) => task.task.includes('fox'))?.adapters.map((a) => a.adapterId)).toEqual(['hf:t/fox']);
  });

  it('counts an adapter of another kind whose name calls it a look among the 2 styles, for either composer', () => {
    // Facts of dump items: Civitai files "pixel ai style" as a concept and "[LuisaP] Pixel art LORA" as nothing.
    const pixelLooks = [
      makeAdapter({
        id: 'civitai:52304',
        name: 'Pixel Art style Lora',
        category: 'style',
        tags: ['anime', 'pixel art', 'style', 'pixelart', 'lora'],
        triggerWords: ['basepixel'],
      }),
      makeAdapter({ id: 'civitai:53252', name: 'RW_pixelart', category: 'style', tags: ['style'] }),
      makeAdapter({
        id: 'civitai:84382',
        name: 'pixel ai style',
        category: 'concept',
        tags: ['anime', 'concept', 'pix'],
        triggerWords: ['pixai'],
      }),
      makeAdapter({ id: 'civitai:10706', name: '[LuisaP] Pixel art LORA', category: 'other', tags: ['pixel art'] }),
    ];
    const pool = asCandidates(pixelLooks);
    const picked = composeOffline('a pixel art castle on a hill', pool).flatMap((task) => task.adapters);
    expect(picked).toHaveLength(2);
    const { tasks, repairs } = enforceCaps(
      'a pixel art castle',
      [
        {
          task: 'pixel art castle',
          adapters: pixelLooks.slice(1).map((adapter) => ({ adapterId: adapter.id, reason: 'pixel' })),
        },
      ],
      pool,
    );
    expect(tasks[0]?.adapters.map((pick) => pick.adapterId)).toEqual(['civitai:53252', 'civitai:84382']);
    expect(repairs.join(' ')).toContain('more than 2 style adapters');
  });

  it('counts an uncategorised adapter named for a medium as a style: two looks in all', () => {
    const pool = asCandidates([
      makeAdapter({
        id: 'civitai:64560',
        name: 'WATERCOLOR',
        category: 'style',
        tags: ['watercolor', 'style', 'paint', 'illustration', 'painting'],
      }),
      makeAdapter({
        id: 'civitai:7501',
        name: 'Vivid Watercolors LoRA Extraction',
        category: 'other',
        tags: ['watercolor', 'vivid watercolors'],
        triggerWords: ['wtrcolor style'],
      }),
      makeAdapter({
        id: 'civitai:9121',
        name: 'Oil_Painting LoRA(Pastel mix only)',
        category: 'style',
        tags: ['anime', 'concept', 'art style'],
        triggerWords: ['oil_painting'],
      }),
    ]);
    const picked = composeOffline('a woman, watercolor, oil painting', pool).flatMap((task) => task.adapters);
    expect(picked.map((pick) => pick.adapterId).sort()).toEqual(['civitai:64560', 'civitai:9121']);
  });

  it('drops the tasks with nothing picked first when a tag list has more tasks than an embed shows', () => {
    const street = makeAdapter({
      id: 'civitai:11692',
      name: 'Street_Scene',
      category: 'background',
      tags: ['streets'],
    });
    const words = ['rain', 'vending machine', 'no humans', 'night', 'scenery', 'outdoors', 'shop', 'store', 'road'];
    const prompt = `masterpiece, cinematic lighting, illustration, ${words.join(', ')}, trash can, street`;
    const tasks: ComposedTask[] = prompt
      .split(', ')
      .slice(1)
      .map((task) => ({ task, adapters: [] }));
    const last = tasks[tasks.length - 1];
    if (last) last.adapters = [{ adapterId: street.id, reason: 'streets' }];
    expect(tasks.length).toBeGreaterThan(MAX_TASKS);
    const capped = enforceCaps(prompt, tasks, asCandidates([street]));
    expect(capped.tasks).toHaveLength(MAX_TASKS);
    expect(capped.tasks.at(-1)).toEqual({ task: 'street', adapters: [{ adapterId: street.id, reason: 'streets' }] });
    expect(capped.repairs).toContain('task "trash can" dropped: more than 12 tasks');
  });

  it('gives a character adapter only to a task that names the character', () => {
    expect(composeOffline('a girl singing on a stage', candidates).flatMap((t) => t.adapters)).toEqual([]);
    const named = composeOffline('Hatsune Miku singing on a stage', candidates);
    expect(named.find((task) => /miku/i.test(task.task))?.adapters.map((a) => a.adapterId)).toEqual(['hf:t/miku']);
  });

  it('matches adapters against the noun phrase of a task, not the words joined to it', () => {
    const blades = makeAdapter({ id: 'hf:t/blades', name: 'Steel Swords', category: 'object', tags: ['sword'] });
    const tasks = composeOffline('a sword lying in the background', [{ adapter: blades, score: 1, rank: 0 }]);
    // The task ends in "background"; its noun phrase is "sword", which the tag names.
    expect(tasks.map((task) => task.task)).toEqual(['sword lying in the background']);
    expect(tasks[0]?.adapters.map((a) => a.adapterId)).toEqual(['hf:t/blades']);
  });

  it('gives a task what its subject does when a pose or action is named after it, not one word of a longer name', () => {
    const riding = makeAdapter({ id: 'hf:t/riding', name: 'riding on a', category: 'concept', tags: ['riding'] });
    const eating = makeAdapter({
      id: 'hf:t/ramen',
      name: 'BetterRamenEating',
      category: 'concept',
      triggerWords: ['eating'],
    });
    const candidates = [riding, eating].map((adapter, rank) => ({ adapter, score: 1, rank }));
    const picked = (prompt: string) =>
      composeOffline(prompt, candidates).flatMap((task) => task.adapters.map((a) => a.adapterId));
    expect(picked('a man riding a horse')).toEqual(['hf:t/riding']);
    expect(picked('a giraffe eating the bark of a tree')).toEqual([]);
  });

  it('picks nothing for what the prompt says is absent', () => {
    const cats = makeAdapter({ id: 'hf:t/cats', name: 'Cats', category: 'concept', tags: ['cat', 'cats'] });
    const bench = makeAdapter({ id: 'hf:t/bench', name: 'Park Bench', category: 'object', tags: ['bench'] });
    const candidates = [cats, bench].map((adapter, rank) => ({ adapter, score: 1, rank }));
    const tasks = composeOffline('a bench without any cats on it', candidates);
    expect(tasks.map((task) => task.task)).toEqual(['bench without any cats']);
    expect(tasks.flatMap((task) => task.adapters.map((a) => a.adapterId))).toEqual(['hf:t/bench']);
  });

  it('gives quoted text, words to write, no adapter', () => {
    const peace = makeAdapter({ id: 'hf:t/peace', name: 'Peace Sign', category: 'concept', tags: ['peace'] });
    const tasks = composeOffline('a cup with "PEACE" written on it', [{ adapter: peace, score: 1, rank: 0 }]);
    expect(tasks.map((task) => task.task)).toEqual(['cup', 'PEACE written']);
    expect(tasks.flatMap((task) => task.adapters)).toEqual([]);
  });

  it('gives every task its best adapter before any task a second one, so the cap leaves no task without', () => {
    const capybaras = ['Capybara', 'Capybara LoRA', 'Capybaras'].map((name, index) =>
      makeAdapter({ id: `hf:t/capybara-${index}`, name, category: 'animal', tags: ['capybara'] }),
    );
    const forest = makeAdapter({ id: 'hf:t/forest', name: 'Misty Forest', category: 'background', tags: ['forest'] });
    const tasks = composeOffline('a capybara in a forest', asCandidates([...capybaras, forest]), { maxAdapters: 2 });
    const picked = tasks.flatMap((task) => task.adapters.map((adapter) => adapter.adapterId));
    expect(picked).toEqual(['hf:t/capybara-0', 'hf:t/forest']);
  });

  it('answers with tasks and no adapters when there are no candidates', () => {
    const tasks = composeOffline(PROMPT, []);
    expect(tasks.length).toBe(3);
    for (const task of tasks) expect(task.adapters).toEqual([]);
  });
});
