import { describe, expect, it } from 'vitest';
import { promptMentionsCharacter } from '../src/cli/eval-compose.js';
import { characterCard } from './support/adapters.js';

/** The eval's own check of who a prompt names, independent of the composer's rules (facts of dump items). */
describe('promptMentionsCharacter', () => {
  const toga = characterCard('civitai:toga', 'Toga Himiko TI/LoRA', ['TogaHimiko'], ['character']);
  const kafka = characterCard(
    'civitai:kafka',
    'カフカ - Kafka / Honkai: Star Rail - 崩壊スターレイル',
    ['KafkaV4'],
    [],
  );
  const gura = characterCard('civitai:gura', 'GawrGuraFlatisJustice', ['gawr gura'], ['hololive']);

  it('reads names written together, as Civitai triggers write them', () => {
    expect(promptMentionsCharacter('masterpiece, 1girl, TogaHimiko, sitting', toga)).toBe(true);
    expect(promptMentionsCharacter('KafkaV4, 1girl, smile', kafka)).toBe(true);
    expect(promptMentionsCharacter('gawr_gura, shark hood', gura)).toBe(true);
  });

  it('reads a trigger of hers no dictionary holds, written whole', () => {
    const yetSan = characterCard(
      'civitai:7440',
      'Yet-San (Azur Lane) White Dress 逸仙 膏发凝脂 襦裙',
      ['yetsan'],
      ['anime', 'character'],
    );
    const doremi = characterCard('civitai:55257', 'Harukaze Doremi (Ojamajo Doremi)', ['hrkzdrm_mgc'], ['character']);
    expect(promptMentionsCharacter('1girl, indoors, light smile, yetsan, bedroom', yetSan)).toBe(true);
    expect(promptMentionsCharacter('1girl, hrkzdrm_mgc, hair bun, witch hat', doremi)).toBe(true);
    // In another case than the card's: "NshroFS4" is its "nshrofs4", not "nshro fs 4".
    const noshiro = characterCard('civitai:noshiro', '能代 - Noshiro Azur Lane LORA.', ['nshrov4', 'nshrofs4'], []);
    expect(promptMentionsCharacter('masterpiece, NshroFS4, 1girl, horns', noshiro)).toBe(true);
    // A trigger of plain words is how she looks, no name: "blue eyes" names no one.
    const plain = characterCard('civitai:plain', 'Someone', ['blue eyes, long hair'], ['character']);
    expect(promptMentionsCharacter('a girl with blue eyes, long hair', plain)).toBe(false);
  });

  it('still counts a character the prompt does not name', () => {
    expect(promptMentionsCharacter('a girl with blonde hair sitting in a cafe', toga)).toBe(false);
    expect(promptMentionsCharacter('a shark in the ocean', gura)).toBe(false);
  });
});
