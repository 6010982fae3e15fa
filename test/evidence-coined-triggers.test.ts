import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Adapter } from '../src/catalog/adapter.js';
import { SqliteAdapterStore } from '../src/catalog/sqlite-store.js';
import { composeOffline } from '../src/stylus/offline-composer.js';
import { wordRarityFor } from '../src/stylus/rarity.js';
import { asCandidates, makeAdapter, picksFrom } from './support/adapters.js';
import { EDOB_CAR, INSANOBOT, JK_UNIFORM, MK_ULTRA } from './support/dump-items.js';

/**
 * A member who writes the coined word a card says to write ("edobcar", "rz88mkultr4") asks for that card, whatever
 * else the prompt holds. Whether a word is a card's own is the catalog's to say: "bowtie" is no dictionary word, but
 * a trigger or tag of dozens of cards. Names, tags and triggers are written after real dump items; the counts come
 * from a real SQLite catalog.
 */
const JK_SKIRT = makeAdapter({
  id: 'civitai:24689',
  name: 'JKskirt',
  category: 'clothing',
  tags: ['clothing', 'skirt'],
  triggerWords: ['red skirt', 'bowtie'],
});
const FLANDRE = makeAdapter({
  id: 'civitai:77175',
  name: 'flandre scarlet (touhou) 芙兰朵露 东方project',
  category: 'character',
  tags: ['character', 'female', 'touhou'],
  triggerWords: ['flandre scarlet', 'bowtie'],
});
const FANTASY_ARCHITECTURE = makeAdapter({
  id: 'civitai:25537',
  name: 'XSarchitectural-11Fantasyarchitecture',
  category: 'building',
  tags: ['buildings', 'architecture design'],
  triggerWords: ['artstation', 'architectural photography', 'archdaily'],
});
const ATELIER_GONS = makeAdapter({
  id: 'civitai:17196',
  name: 'Atelier GONS Style',
  category: 'style',
  tags: ['anime', 'girl', 'anime screencap', 'style'],
  triggerWords: ['atgons', 'atelier gons'],
});
const GENKAN = makeAdapter({
  id: 'civitai:47379',
  name: '日本の住宅の玄関 Modern Genkan in Japanese Houses',
  category: 'background',
  tags: ['photorealistic', 'scenery', 'japan', 'background', 'genkan'],
  triggerWords: ['genkan, JMG0,', 'genkan, JMG1,'],
});
const GAME_ICON_CHEST = makeAdapter({
  id: 'civitai:72061',
  name: 'GameIconResearch_chest_Lora',
  category: 'style',
  tags: ['style', 'chest'],
  triggerWords: ['chest', 'gameicon'],
});
const GAME_ICON_SCROLL = makeAdapter({
  id: 'civitai:80574',
  name: 'GameIconResearch_scroll_Lora',
  category: 'style',
  tags: ['style', 'gane ic'],
  triggerWords: ['scroll', 'gameicon'],
});
const KING_HANBOK = makeAdapter({
  id: 'civitai:25255',
  name: 'King Hanbok Gonryongpo - Korea Clothes',
  category: 'clothing',
  tags: ['korea clothes', 'hanbok', 'king'],
  triggerWords: ['hanbok'],
});
const WARRIOR_HANBOK = makeAdapter({
  id: 'civitai:25263',
  name: 'Korean Warrior Hanbok - Korean Clothes',
  category: 'clothing',
  tags: ['warrior', 'korea clothes', 'hanbok'],
  triggerWords: ['hanbok'],
});
const HR_GIGER = makeAdapter({ id: 'civitai:23698', name: 'HRGiger', category: 'style', tags: ['style'] });
const BEKSINSKI = makeAdapter({
  id: 'civitai:87110',
  name: 'Zdzislaw Beksinski Style',
  category: 'style',
  tags: ['horror', 'surrealism', 'biomechanical', 'style', 'artist', 'painting'],
  triggerWords: ['b3ks1nsk1'],
});
const NATIVE_AMERICAN = makeAdapter({
  id: 'civitai:22556',
  name: 'Native American',
  category: 'clothing',
  tags: ['woman', 'clothing', 'cultual'],
  triggerWords: ['nativam', 'wearing nativam'],
});
const WPAP = makeAdapter({
  id: 'civitai:34770',
  name: 'Wedha Pop Art Potrait aka WPAP - LoRA Style',
  category: 'style',
  tags: ['female', 'potrait', 'style', 'woman'],
  triggerWords: ['WPAP Style'],
});
const SAKURA_FUTABA = makeAdapter({
  id: 'civitai:38883',
  name: '【Persona 5】Sakura Futaba Charecter LoRA（佐倉·雙葉人物模組）',
  category: 'other',
});
/** A look whose triggers list peoples' names beside its coined word. */
const TOTEMPUNK = makeAdapter({
  id: 'civitai:71819',
  name: 'TotemPunk REDONE',
  category: 'style',
  tags: ['style'],
  triggerWords: ['TotempunkAI', 'aztec', 'apache', 'maya', 'mohawk', 'sioux', 'inca'],
});

const catalog: Adapter[] = [
  SAKURA_FUTABA,
  HR_GIGER,
  BEKSINSKI,
  NATIVE_AMERICAN,
  WPAP,
  KING_HANBOK,
  WARRIOR_HANBOK,
  ATELIER_GONS,
  GENKAN,
  GAME_ICON_CHEST,
  GAME_ICON_SCROLL,
  INSANOBOT,
  EDOB_CAR,
  MK_ULTRA,
  JK_UNIFORM,
  JK_SKIRT,
  FLANDRE,
  FANTASY_ARCHITECTURE,
  TOTEMPUNK,
];

let dir: string;
let store: SqliteAdapterStore;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'stylus-coined-'));
  store = new SqliteAdapterStore(path.join(dir, 'stylus.db'));
  await store.upsert(catalog);
});

afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** What the offline composer picks for `prompt`, with the word counts of the SQLite catalog as a composition has. */
async function picks(prompt: string): Promise<{ id: string; reason: string }[]> {
  const rarity = await wordRarityFor(store, prompt);
  return composeOffline(prompt, asCandidates(catalog), { rarity }).flatMap((task) =>
    task.adapters.map((pick) => ({ id: pick.adapterId, reason: pick.reason })),
  );
}

describe('a coined trigger written in the prompt', () => {
  it('picks its card, and says so', async () => {
    expect(await picks('a house on a hill, edobcar')).toEqual([
      { id: 'civitai:54017', reason: 'matches trigger "EdobCar"' },
    ]);
  });

  it('reads a trigger with digits as the one word the catalog indexes', async () => {
    expect((await picks('a portrait of a woman, rz88mkultr4')).map((pick) => pick.id)).toEqual(['civitai:52543']);
  });

  it('picks its card beside another for the same thing: a second pick only tagged with it would be no pick', async () => {
    expect((await picks('rz88mkultr4 robot')).map((pick) => pick.id).sort()).toEqual([
      'civitai:52543',
      'civitai:90119',
    ]);
  });

  it("asks for the card as it is: its artist's name, its look", async () => {
    expect((await picks('atgons, 1girl, smile')).map((pick) => pick.id)).toEqual(['civitai:17196']);
    expect((await picks('genkan, door, indoors, 1girl')).map((pick) => pick.id)).toEqual(['civitai:47379']);
  });

  it("asks for no look a family's shared word brings, with the family's own things", async () => {
    expect(await picks('kitten, gameicon, transparent background')).toEqual([]);
  });

  it("takes a word two cards share for the thing it is, that thing's culture and all", async () => {
    // A hanbok is Korean: "Korea Clothes" is no look the prompt lacks. One of the two: a king's robe and a warrior's
    // hanbok are two outfits (see offline-composer's anotherOutfit).
    const ids = (await picks('1male, solo, hanbok, black hat, older, full body')).map((pick) => pick.id);
    expect(ids).toHaveLength(1);
    expect(['civitai:25255', 'civitai:25263']).toContain(ids[0]);
  });

  it("takes a coined word of a card's name, written as members copy it", async () => {
    expect(await picks('hrgiger, coffee machine, biomechanical')).toEqual([
      { id: 'civitai:23698', reason: 'matches its name "HRGiger"' },
    ]);
    // With every coined word of its name: "beksinski" alone may be another Beksinski.
    expect((await picks('a tower, zdzislaw beksinski style')).map((pick) => pick.id)).toEqual(['civitai:87110']);
    expect(await picks('cyberpunk art by beksinski, space art')).toEqual([]);
  });

  it('takes no coined word of a card that may be named for someone: another Futaba is no Sakura Futaba', async () => {
    expect(await picks('futaba_aoi_operation, holding huge hammer')).toEqual([]);
  });

  it('takes no English word a dictionary lacks for a coined name, nor one word of a name of several', async () => {
    // "american" is a people's word; "potrait" (a portrait misspelt) is one word of "Wedha Pop Art Potrait aka WPAP".
    expect(await picks('an oil painting of two rabbits in the style of American Gothic')).toEqual([]);
    expect(await picks('masterpiece, 1girl, upper body, potrait')).toEqual([]);
  });

  it('picks nothing for a word many cards share, dictionary or not', async () => {
    expect(await picks('a corgi wearing a bowtie')).toEqual([]);
  });

  it('picks nothing for a coined word written as praise', async () => {
    expect(await picks('a fantasy castle, trending on artstation')).toEqual([]);
  });

  it('picks nothing where the catalog cannot say whose word it is', () => {
    expect(picksFrom(catalog)('a house on a hill, edobcar')).toEqual([]);
  });
});

describe("a people's name is no coined word", () => {
  it('takes no TotemPunk look for an aztec pyramid, still for its own coined trigger', async () => {
    const ids = async (prompt: string) => (await picks(prompt)).map((pick) => pick.id);
    expect(await ids('an aztec pyramid in the jungle')).toEqual([]);
    expect(await ids('a sioux village at dawn')).toEqual([]);
    expect(await ids('totempunkai, warrior')).toEqual([TOTEMPUNK.id]);
  });
});
