import { describe, expect, it } from 'vitest';
import { makeAdapter, picksFrom } from './support/adapters.js';

/**
 * A thing of one culture asks for that culture's look, as its name does: a qipao is Chinese, tokyo is in Japan. Facts
 * (ids, names, tags, triggers) of dump items; the prompts are the dump's own sample prompts, shortened.
 */
const filmJapan = makeAdapter({
  id: 'civitai:16948',
  name: '80s Japan Analog Film Photography',
  category: 'style',
  tags: ['film', 'photorealistic', 'analog', 'analog style', 'photo', 'style', 'photography'],
});
const qipao = makeAdapter({
  id: 'civitai:12849',
  name: 'Qipao',
  category: 'clothing',
  tags: ['dress', 'chinese dress', 'clothing', 'qipao'],
  triggerWords: ['qipao', 'short sleeve,', 'floral_print', 'chinese_clothes', 'china_dress'],
});
const picks = picksFrom([filmJapan, qipao]);

describe('a thing of one culture asks for its look', () => {
  it('takes a Japanese film look for a film photograph in tokyo', () => {
    expect(picks('color Film photograph of a woman, short hair, tokyo, 1980s, red lipstick')).toEqual([
      'civitai:16948',
    ]);
  });

  it('dresses a girl in a qipao in a Chinese dress', () => {
    expect(picks('masterpiece, best quality, 1girl, qipao')).toEqual(['civitai:12849']);
  });

  it('still brings no culture to a prompt of none', () => {
    expect(picks('color film photograph of a woman in new york, 1980s')).toEqual([]);
    expect(picks('a girl in a floral print dress')).toEqual([]);
  });
});
