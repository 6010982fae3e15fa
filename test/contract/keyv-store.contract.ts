import type { Keyv } from 'keyv';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

/**
 * What the bot relies on from its key-value state, run against every backend (SQLite-backed Keyv, @keyv/redis).
 * `open(namespace)` returns a Keyv in that namespace over the same underlying storage each time it is called,
 * so a second call models a restart or another replica.
 */
export interface KeyvBackend {
  open(namespace: string): Promise<Keyv>;
  /** Removes everything the suite wrote. */
  cleanup(): Promise<void>;
}

export function keyvStoreContract(name: string, backend: () => Promise<KeyvBackend>): void {
  describe(`Keyv state contract: ${name}`, () => {
    let store: KeyvBackend;
    const opened: Keyv[] = [];
    const open = async (namespace: string) => {
      const keyv = await store.open(namespace);
      opened.push(keyv);
      return keyv;
    };

    beforeEach(async () => {
      store = await backend();
    });
    afterEach(async () => {
      await store.cleanup();
      for (const keyv of opened.splice(0)) await keyv.disconnect();
    });

    it('round-trips structured values and reports missing keys as undefined', async () => {
      const keyv = await open('compositions');
      const record = { owner: '1', tasks: [{ task: 'a cat', adapters: ['hf:x'] }], weights: { 'hf:x': 0.5 } };
      await keyv.set('c1', record);
      expect(await keyv.get('c1')).toEqual(record);
      expect(await keyv.get('missing')).toBeUndefined();
      expect(await keyv.has('c1')).toBe(true);
      expect(await keyv.has('missing')).toBe(false);
    });

    it('replaces a value and deletes it, saying whether something was deleted', async () => {
      const keyv = await open('votes');
      await keyv.set('v', 1);
      await keyv.set('v', -1);
      expect(await keyv.get('v')).toBe(-1);
      expect(await keyv.delete('v')).toBe(true);
      expect(await keyv.delete('v')).toBe(false);
      expect(await keyv.get('v')).toBeUndefined();
    });

    it('reads many keys at once, in order, with gaps as undefined', async () => {
      const keyv = await open('many');
      await keyv.set('a', 'A');
      await keyv.set('c', 'C');
      expect(await keyv.get(['a', 'b', 'c'])).toEqual(['A', undefined, 'C']);
    });

    it('keeps namespaces apart, and clear() empties only its own', async () => {
      const left = await open('left');
      const right = await open('right');
      await left.set('k', 'left value');
      await right.set('k', 'right value');
      expect(await left.get('k')).toBe('left value');
      expect(await right.get('k')).toBe('right value');
      await left.clear();
      expect(await left.get('k')).toBeUndefined();
      expect(await right.get('k')).toBe('right value');
    });

    it('forgets a value after its TTL', async () => {
      const keyv = await open('ttl');
      await keyv.set('short', 'gone soon', 30);
      await keyv.set('long', 'stays', 60_000);
      await new Promise((resolve) => setTimeout(resolve, 80));
      expect(await keyv.get('short')).toBeUndefined();
      expect(await keyv.get('long')).toBe('stays');
    });

    it('serves values written by another instance over the same storage (a restart)', async () => {
      const first = await open('restart');
      await first.set('composition', { status: 'shown', seed: 42 });
      const second = await open('restart');
      expect(await second.get('composition')).toEqual({ status: 'shown', seed: 42 });
    });

    it('keeps keys with separators and unicode intact', async () => {
      const keyv = await open('keys');
      const key = 'vote:hf:owner/repo:1234%_:é';
      await keyv.set(key, 'up');
      expect(await keyv.get(key)).toBe('up');
      expect(await keyv.get('vote:hf:owner/repo:1234xx:é')).toBeUndefined();
    });
  });
}
