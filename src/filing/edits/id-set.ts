/**
 * A set of record ids for duplicate detection over files of millions of rows. It keeps two
 * independent 32-bit hashes of each id in an open-addressing table of typed arrays instead of the
 * strings themselves: a few bytes per id, and no reference to the parser's buffers (a retained
 * substring can keep a whole input chunk alive). Two different ids are taken for one only when both
 * hashes collide: about n² / 2⁶⁵, one in thirty million for a million ids.
 */
export class IdSet {
  private first = new Uint32Array(1 << 16);
  private second = new Uint32Array(1 << 16);
  private mask = (1 << 16) - 1;
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Add `id`; false when it was already there. */
  add(id: string): boolean {
    // FNV-1a and a multiplicative hash with a different seed, in one pass.
    let h1 = 0x811c9dc5;
    let h2 = 0x9747b28c;
    for (let i = 0; i < id.length; i++) {
      const c = id.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995);
      h2 ^= h2 >>> 15;
    }
    h1 = (h1 ^ (h1 >>> 16)) >>> 0;
    // The second hash is never 0: 0 marks an empty slot.
    h2 = (h2 ^ (h2 >>> 13) ^ id.length) >>> 0 || 1;
    return this.insert(h1, h2);
  }

  private insert(h1: number, h2: number): boolean {
    let slot = h1 & this.mask;
    for (;;) {
      const stored = this.second[slot]!;
      if (stored === 0) break;
      if (stored === h2 && this.first[slot] === h1) return false;
      slot = (slot + 1) & this.mask;
    }
    this.first[slot] = h1;
    this.second[slot] = h2;
    this.count++;
    if (this.count * 2 > this.mask) this.grow();
    return true;
  }

  private grow(): void {
    const oldFirst = this.first;
    const oldSecond = this.second;
    const size = oldFirst.length * 2;
    this.first = new Uint32Array(size);
    this.second = new Uint32Array(size);
    this.mask = size - 1;
    this.count = 0;
    for (let i = 0; i < oldFirst.length; i++) if (oldSecond[i] !== 0) this.insert(oldFirst[i]!, oldSecond[i]!);
  }
}
