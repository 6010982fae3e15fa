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

  it('still counts a character the prompt does not name', () => {
    expect(promptMentionsCharacter('a girl with blonde hair sitting in a cafe', toga)).toBe(false);
    expect(promptMentionsCharacter('a shark in the ocean', gura)).toBe(false);
  });
});
