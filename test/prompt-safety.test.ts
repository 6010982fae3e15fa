import { describe, expect, it } from 'vitest';
import { explicitTermIn } from '../src/catalog/classify/safety.js';

describe('explicitTermIn: what a prompt refused where NSFW is not allowed names', () => {
  it('finds nudity and sex acts, in any case and in tag lists', () => {
    expect(explicitTermIn('a naked woman on a beach')).toBe('naked');
    expect(explicitTermIn('1girl, NSFW, beach')).toBe('nsfw');
    expect(explicitTermIn('masterpiece, 1girl, nipples, bed')).toBe('nipples');
    expect(explicitTermIn('裸の女性')).toBe('裸');
    expect(explicitTermIn('1girl, oppai, beach')).toBe('oppai');
  });

  it('leaves everyday words that only adapter names use for sex alone', () => {
    for (const prompt of [
      'a rooster (cock) crowing at dawn',
      'grilled chicken breast on a plate',
      'a donkey, also called an ass, in a field',
      'a pregnant woman in a garden',
      'a sexy red sports car',
      'a glass of water',
      'a cat sitting in a tree',
      'stripping old paint off a wooden door',
    ]) {
      expect(explicitTermIn(prompt), prompt).toBeUndefined();
    }
  });
});
