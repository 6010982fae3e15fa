import { describe, expect, it } from 'vitest';
import { Memo } from '../src/util/memo.js';

describe('Memo', () => {
  it('remembers what is used, forgets what is not, and holds at most twice its size', () => {
    const memo = new Memo<string, number>(2);
    let made = 0;
    const make = (key: string) => {
      made++;
      return key.length;
    };
    expect(memo.through('a', make)).toBe(1);
    expect(memo.through('bb', make)).toBe(2);
    expect(memo.through('a', make)).toBe(1);
    expect(made).toBe(2);
    // Young generation full: 'a' and 'bb' age; 'ccc' starts a new one. 'a' used again moves back to the young one.
    memo.through('ccc', make);
    expect(memo.through('a', make)).toBe(1);
    expect(made).toBe(3);
    // The next generation drops 'bb' (aged and never used since); 'a' survives it.
    memo.through('dddd', make);
    expect(memo.get('bb')).toBeUndefined();
    expect(memo.get('a')).toBe(1);
    memo.clear();
    expect(memo.get('a')).toBeUndefined();
  });
});
