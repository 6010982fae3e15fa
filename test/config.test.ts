import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

describe('loadConfig', () => {
  it('gives safe defaults with the real services as base URLs', () => {
    const config = loadConfig({});
    expect(config.OPENAI_BASE_URL).toBe('https://api.openai.com/v1');
    expect(config.DISCORD_API_URL).toBe('https://discord.com/api');
    expect(config.CIVITAI_API_URL).toBe('https://civitai.com');
    expect(config.HF_ENDPOINT).toBe('https://huggingface.co');
    expect(config.REDIS_URL).toBeUndefined();
    expect(config.STYLUS_CANDIDATES).toBe(150);
    expect(config.STYLUS_BASE_WEIGHT).toBe(0.8);
    expect(config.STYLUS_INSERT_TRIGGERS).toBe(false);
  });

  it('treats empty values as unset and trims trailing slashes from URLs', () => {
    const config = loadConfig({
      OPENAI_API_KEY: '',
      COMFYUI_URL: 'http://127.0.0.1:8188/',
      STYLUS_EMBEDDING_DIMENSIONS: '',
    });
    expect(config.OPENAI_API_KEY).toBeUndefined();
    expect(config.COMFYUI_URL).toBe('http://127.0.0.1:8188');
    expect(config.STYLUS_EMBEDDING_DIMENSIONS).toBeUndefined();
  });

  it.each([
    ['OPENAI_BASE_URL', 'not a url'],
    ['STYLUS_CANDIDATES', 'many'],
    ['STYLUS_EMBEDDING_DIMENSIONS', '3'],
    ['LOG_LEVEL', 'loud'],
    ['STYLUS_INSERT_TRIGGERS', 'maybe'],
  ])('names the bad key %s', (key, value) => {
    expect(() => loadConfig({ [key]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [key]: value })).toThrow(new RegExp(`^Invalid configuration: ${key}:`));
  });

  it('documents every key in .env.example and nothing else', () => {
    const schemaKeys = [...readFileSync('src/config.ts', 'utf8').matchAll(/^ {2}([A-Z][A-Z0-9_]+):/gm)]
      .map((match) => match[1])
      .filter((key) => key !== 'NODE_ENV')
      .sort();
    const documented = [...readFileSync('.env.example', 'utf8').matchAll(/^([A-Z][A-Z0-9_]+)=/gm)]
      .map((match) => match[1])
      .sort();
    expect(documented).toEqual(schemaKeys);
  });
});
