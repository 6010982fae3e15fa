/**
 * A read-only set of many short words held as one string and two typed arrays: 275,000 dictionary words take about
 * 6 MB here against 20 MB as a Set of strings, and they are three objects for the garbage collector to visit instead
 * of 275,000 (the bot's major GC marks the whole set each time). Open addressing, FNV-1a over UTF-16 code units.
 */
export class WordSet {
  private readonly text: string;
  /** Where each word starts and ends in `text`: [start, end) pairs, flattened. */
  private readonly starts: Int32Array;
  /** Word index + 1 per slot, 0 for an empty slot; at most half full. */
  private readonly slots: Int32Array;
  private readonly mask: number;

  /** The words of `text`, one per `separator`-delimited part (empty parts are left out). */
  constructor(text: string, separator = '\n') {
    const starts: number[] = [];
    let from = 0;
    while (from <= text.length) {
      let end = text.indexOf(separator, from);
      if (end < 0) end = text.length;
      if (end > from) starts.push(from, end);
      from = end + separator.length;
    }
    this.text = text;
    const count = starts.length / 2;
    this.starts = Int32Array.from(starts);
    let size = 2;
    while (size < count * 2) size *= 2;
    this.slots = new Int32Array(size);
    this.mask = size - 1;
    for (let index = 0; index < count; index++) {
      const start = this.starts[2 * index] as number;
      const end = this.starts[2 * index + 1] as number;
      let slot = hashRange(text, start, end) & this.mask;
      let found = false;
      while (this.slots[slot] !== 0) {
        if (this.equalsWord((this.slots[slot] as number) - 1, text, start, end)) {
          found = true;
          break;
        }
        slot = (slot + 1) & this.mask;
      }
      if (!found) this.slots[slot] = index + 1;
    }
  }

  has(word: string): boolean {
    let slot = hashRange(word, 0, word.length) & this.mask;
    for (;;) {
      const entry = this.slots[slot] as number;
      if (entry === 0) return false;
      if (this.equalsWord(entry - 1, word, 0, word.length)) return true;
      slot = (slot + 1) & this.mask;
    }
  }

  private equalsWord(index: number, other: string, start: number, end: number): boolean {
    const from = this.starts[2 * index] as number;
    const to = this.starts[2 * index + 1] as number;
    if (to - from !== end - start) return false;
    for (let offset = 0; offset < end - start; offset++) {
      if (this.text.charCodeAt(from + offset) !== other.charCodeAt(start + offset)) return false;
    }
    return true;
  }
}

function hashRange(text: string, start: number, end: number): number {
  let hash = 0x811c9dc5;
  for (let index = start; index < end; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
