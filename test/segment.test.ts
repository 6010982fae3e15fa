import { describe, expect, it } from 'vitest';
import { contentTokens } from '../src/catalog/text.js';
import { segmentPrompt, segmentTasks } from '../src/stylus/segment.js';

describe('segmentPrompt', () => {
  it.each([
    [
      'a corgi astronaut floating in space, ukiyo-e woodblock print style',
      ['corgi astronaut', 'floating in space', 'ukiyo-e woodblock print style'],
    ],
    ['an oil painting of a cat playing checkers', ['oil painting', 'cat', 'playing checkers']],
    // Multi-word heads stay whole, after a comma too, where compromise reads "oil" as a verb and "lights" as one.
    ['a fox, oil painting', ['fox', 'oil painting']],
    // A bar, a line break and AUTOMATIC1111's BREAK part a prompt as a comma does.
    ['young native american woman| feather jewelry | 8k', ['young native american woman', 'feather jewelry', '8k']],
    ['a knight BREAK a dragon\nwatercolor', ['knight', 'dragon', 'watercolor']],
    ['neon lights in a rainy city, low poly', ['neon lights', 'rainy city', 'low poly']],
    // Before what they do too; a verb that takes an -ing word after it is still a verb.
    ['a city with neon lights reflecting in puddles', ['city', 'neon lights', 'reflecting in puddles']],
    ['fairy lights hanging in a bedroom', ['fairy lights', 'hanging in a bedroom']],
    ['a cat sits watching birds', ['cat', 'sits watching birds']],
    ['a dog goes swimming in a lake', ['dog', 'goes swimming in a lake']],
    ['a boy tries climbing a tree', ['boy', 'tries climbing a tree']],
    // "w/" and "w/o" are "with" and "without", as members write them.
    ['anime girl w/ sword', ['anime girl', 'sword']],
    ['a street w/o cars', ['street without cars']],
    // The "of" of a framing tag is the tag's own.
    ['a fox in a forest, deep depth of field, bokeh', ['fox', 'forest', 'deep depth of field', 'bokeh']],
    // A word compromise guesses as a verb inside a phrase is its noun.
    ['low poly fox in a forest', ['low poly fox', 'forest']],
    // A stopword describing the thing is part of its name: a still life is no life.
    ['a vase of sunflowers on a kitchen table, still life', ['vase', 'sunflowers', 'kitchen table', 'still life']],
    ['a still life with apples', ['still life', 'apples']],
    [
      'a tennis match in the style of Egyptian hieroglyphic tomb paintings',
      ['tennis match', 'Egyptian hieroglyphic tomb paintings style'],
    ],
    [
      'The Statue of Liberty with Mount Rushmore in the background',
      ['Statue of Liberty', 'Mount Rushmore in the background'],
    ],
    // A capitalised word the dictionary lacks after a capitalised one is more of the name, up to the comma.
    ['Chen Hai at the beach', ['Chen Hai', 'beach']],
    ['Keqing Genshin, 1girl', ['Keqing Genshin', '1girl']],
    // A series someone is from is one name, written lower-case too; elsewhere "of" parts two things.
    ['lux from league of legends', ['lux', 'league of legends']],
    ['frodo from the lord of the rings', ['frodo', 'lord of the rings']],
    ['a letter from a friend of mine', ['letter', 'friend', 'mine']],
    // So is a title that opens its clause and names the noun after it; a framing word's "of" or an article says what
    // is shown of what.
    [
      'a sorceress casting a fire spell, league of legends splash art',
      ['sorceress', 'casting a fire spell', 'league of legends splash art'],
    ],
    ['lord of the rings poster', ['lord of the rings poster']],
    // "of the" after a bare word opening its clause is a title's, before a word read as a verb or at the clause's end.
    ['an elf archer, lord of the rings style', ['elf archer', 'lord of the rings style']],
    ['frodo, lord of the rings', ['frodo', 'lord of the rings']],
    ['the skyline of New York City', ['skyline', 'New York City']],
    // Two plural nouns with "and" make a title before the art they name; alone they are two things.
    ['a wizard, dungeons and dragons art', ['wizard', 'dungeons and dragons art']],
    ['cats and dogs, watercolor', ['cats', 'dogs', 'watercolor']],
    ['a painting of cats and dogs in a garden', ['painting', 'cats', 'dogs', 'garden']],
    ['cup of coffee, table', ['cup', 'coffee', 'table']],
    ['Wood engraving of the Greek letter Omega', ['Wood engraving', 'Greek letter Omega']],
    // "In the distance" says where a thing is, like "in the background": no distance to draw.
    ['a lighthouse with a ship in the distance', ['lighthouse', 'ship in the distance']],
    ['a hamburger fighting a hot dog in a boxing ring', ['hamburger', 'fighting a hot dog', 'boxing ring']],
    ['two black holes next to a piece of cheese', ['black holes', 'piece of cheese']],
    ['fire', ['fire']],
    // A clause that names no thing is a task of its own, not a word of the nearest thing: a tag list's terms, an
    // action told in a sentence of its own; where it is shown joins it.
    [
      'a cyberpunk city at night, neon lights, rain, cinematic lighting',
      ['cyberpunk city', 'night', 'neon lights', 'rain', 'cinematic lighting'],
    ],
    ['a portrait of a woman, highly detailed, smiling', ['portrait of a woman', 'highly detailed', 'smiling']],
    ['The dog chased the cat up a tree. It waited at the top.', ['dog', 'chased the cat', 'tree', 'waited at the top']],
    // A tag list's commas end its terms, after a word compromise splits in two ("1girl") too.
    ['masterpiece, 1girl, solo, long hair', ['masterpiece', '1girl', 'solo', 'long hair']],
    // A prompt describes, it does not order: a first "verb" before a participle is the thing doing it.
    ['milk pouring into a large glass', ['milk', 'pouring into a large glass']],
    ['rain falling on a neon city', ['rain', 'falling on a neon city']],
    ['snow covering the Great Pyramid', ['snow', 'covering the Great Pyramid']],
    // Prompts do not order: a first word read as an imperative before a noun describes it.
    ['Overhead view of three people on a street', ['Overhead view', 'people', 'street']],
    // An unknown "-ed" word after "its" with no noun to describe is a noun, not a past tense.
    ['a blue pickup truck with a rhinoceros in its flatbed', ['blue pickup truck', 'rhinoceros', 'flatbed']],
    // Participles before a noun describe it; a bare verb form after a noun makes a compound.
    ['a punk squirrel in a studded leather jacket', ['punk squirrel', 'studded leather jacket']],
    ['a teddy bear driving a speed boat', ['teddy bear', 'driving a speed boat']],
    // A verb before a pronoun takes it as its object: no "man walks" compound.
    ['a man walks his dog', ['man', 'walks his dog']],
    ['a rabbit checks its watch', ['rabbit', 'checks watch']],
    // Quoted text is one task, commas and all, with the word that announces it.
    ["a yellow wall with 'Hello, world.' written on it", ['yellow wall', 'Hello world written']],
    ["the word 'START' written above the word 'SMILING'", ['word START', 'written above the word SMILING']],
    // A spatial phrase between what is done and the thing stays in the task: no "sitting dog", no "coming curve".
    ['a cat sitting next to a dog', ['cat', 'sitting next to a dog']],
    ['three black cats standing next to two orange cats', ['black cats', 'standing next to two orange cats']],
    ['a volcano with lava pouring down its slopes', ['volcano', 'lava', 'pouring down its slopes']],
    ['a car coming around a curve in a mountain road', ['car', 'coming around a curve', 'mountain road']],
    ['a Tyrannosaurus Rex roaring in front of a palm tree', ['Tyrannosaurus Rex', 'roaring in front of a palm tree']],
    // "visible" says that a thing shows, not a thing to draw.
    ['The Eiffel Tower. The moon is also visible.', ['Eiffel Tower', 'moon is also visible']],
    // A name for a piece of text announces the quotation, like "the word".
    ["the saying 'carpe diem' on a white background", ['saying carpe diem', 'white background']],
    // A thing named again is where the new thing of its clause acts: the action joins that thing, not the first
    // mention far back ("holding a cup drinks").
    ['A man holding a cup. A woman drinks from the cup.', ['man', 'holding a cup', 'woman drinks']],
    [
      'a wooden board. A dog in the background is eyeing the board hungrily.',
      ['wooden board', 'dog in the background is eyeing hungrily'],
    ],
    // A later, shorter mention of a thing is the same task.
    ['A smiling sloth holding a big book. The sloth is happy.', ['smiling sloth', 'holding a big book', 'happy']],
    ["a close-up of a corgi's head", ['close-up', 'corgi head']],
    // Adjectives joined by "and" describe one thing; things joined by "and" stay two.
    ['a black and white photo of a dog', ['black and white photo', 'dog']],
    ['a hazy and seemingly isolated landscape', ['hazy and seemingly isolated landscape']],
    ['a cream colored labradoodle next to a cat and a dog', ['cream colored labradoodle', 'cat', 'dog']],
    // After a number, an -ing word describes too: "two running dogs", "a 90s trading card".
    ['two running dogs and a 90s trading card', ['running dogs', '90s trading card']],
    // A stopword tagged as an adjective ends no phrase ("in" of "in front of"); inside a name it stays.
    ['a Ferrari Testarossa in front of the Kremlin', ['Ferrari Testarossa', 'Kremlin']],
    ['a long wooden bench in front of a brick wall', ['long wooden bench', 'brick wall']],
    ['the city of London on Mars', ['city of London', 'Mars']],
    // "on top of" is a preposition like "in front of": no "top" of anything.
    ['a red sphere on top of a yellow box', ['red sphere', 'yellow box']],
    // Outside "in front of", "front" is the front of a thing: a content word like any other.
    ['a store front with a sign', ['store front', 'sign']],
    ['an old car with a large front grille', ['old car', 'large front grille']],
    // A kind of picture alone in its clause is the medium asked for, not a word of the thing before it.
    [
      'a tiger holding a flag with a yin-yang symbol on it. Photograph.',
      ['tiger', 'holding a flag', 'yin-yang symbol', 'Photograph'],
    ],
    // A camera angle is a task of its own: "front" and "three-quarters" say how the picture is taken.
    ['three-quarters front view of a red 1997 Porsche 911', ['three-quarters front view', 'red 1997 Porsche 911']],
    ['a side view of a car', ['side view', 'car']],
    // What a thing lacks is part of it, not a thing to draw.
    ['a city intersection without cars', ['city intersection without cars']],
    ['a car with no windows', ['car with no windows']],
    // compromise reads "boats" after "any" as a verb ("boat" is a verb in its lexicon): no verb follows an article.
    ['a marina without any boats in it', ['marina without any boats']],
    ['a horse without a rider galloping on a beach', ['horse without a rider', 'galloping on a beach']],
    ['a stone pedestal without a statue of a horse on it', ['stone pedestal without a statue of a horse']],
    // A tag list's absence in a clause of its own is said of the whole picture, no part of the tag before it.
    ['scenery, no humans, forest', ['scenery', 'no humans', 'forest']],
    ['landscape, lake, reflection, no humans', ['landscape', 'lake', 'reflection', 'no humans']],
  ])('%s', (prompt, expected) => {
    expect(segmentPrompt(prompt)).toEqual(expected);
  });

  it('returns nothing for a prompt without content words', () => {
    expect(segmentPrompt('the of and, in a')).toEqual([]);
    expect(segmentPrompt('')).toEqual([]);
  });

  it('returns each task once', () => {
    expect(segmentPrompt('a cat, a cat and another cat')).toEqual(['cat']);
  });
});

describe('segmentTasks', () => {
  it('reads a bare verb form after a number with its unit as the noun of a compound: "3d render"', () => {
    expect(segmentTasks('a cute robot, 3d render')[1]).toEqual({ subject: '3d render', task: '3d render' });
  });

  it('keeps the noun phrase as the subject the composer matches, with the joined words only in the task', () => {
    expect(segmentTasks('a dragon breathing fire on a castle, in the background')).toEqual([
      { subject: 'dragon', task: 'dragon' },
      { subject: 'fire', task: 'breathing fire' },
      { subject: 'castle', task: 'castle background' },
    ]);
    // Quoted text is words to write: no adapter should draw "Peace".
    expect(segmentTasks("a sign that says 'Peace'")).toEqual([
      { subject: 'sign', task: 'sign' },
      { subject: '', task: 'says Peace' },
    ]);
    // No adapter should draw what the prompt says is absent: "cars" is no subject.
    expect(segmentTasks('a street without cars')).toEqual([{ subject: 'street', task: 'street without cars' }]);
    expect(segmentTasks("a photo of san francisco's golden gate bridge")).toEqual([
      { subject: "san francisco's golden gate bridge", task: 'photo of san francisco golden gate bridge' },
    ]);
  });

  it('reads a group of creatures as them: "a school of fish" is fish, no school; "a school bus" stays a bus', () => {
    expect(segmentTasks('a school of fish')).toEqual([{ subject: 'fish', task: 'school of fish' }]);
    expect(segmentTasks('a flock of birds')).toEqual([{ subject: 'birds', task: 'flock of birds' }]);
    expect(segmentTasks('a school bus')).toEqual([{ subject: 'school bus', task: 'school bus' }]);
  });

  it('reads "full of" as what a thing holds, as "with": no "tavern full" task', () => {
    expect(segmentTasks('a medieval tavern full of adventurers')).toEqual([
      { subject: 'medieval tavern', task: 'medieval tavern' },
      { subject: 'adventurers', task: 'full of adventurers' },
    ]);
  });

  // Function words the tasks may leave out: how things relate and how many, not what is drawn.
  const FUNCTION_WORDS = new Set([
    'next',
    'front',
    'top',
    'its',
    'two',
    'three',
    'around',
    'without',
    'above',
    'against',
    'one',
  ]);

  it.each([
    'A penguin wearing aviator goggles and flying confidently next to a bemused eagle.',
    'A tornado made of sharks crashing into a skyscraper. painting in the style of Hokusai.',
    'a photograph of an armadillo playing a bagpipe while standing on one leg',
    'Two cups of coffee, one with latte art of yin yang symbol. The other has latte art of a heart.',
    'a pen-and-ink crosshatched drawing of a sphere with dark square on it',
    'A donkey is playing tug-of-war against an octopus. The donkey holds the rope in its mouth.',
    'a milk carton pouring milk into a large glass in front of three apples',
    'a cat jumps over a baby gate',
    'a dragon perched on top of the Great Pyramid',
  ])('puts every content word of "%s" in a task', (prompt) => {
    const covered = new Set(segmentPrompt(prompt).flatMap((task) => [...contentTokens(task)]));
    const lost = [...contentTokens(prompt)].filter((token) => !covered.has(token) && !FUNCTION_WORDS.has(token));
    expect(lost).toEqual([]);
  });
});
