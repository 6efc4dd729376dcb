/**
 * A set of record ids for duplicate detection over files of millions of rows. It keeps two
 * independent 32-bit hashes of each id in an open-addressing table (one typed array, the two
 * hashes of a slot side by side so a probe touches one cache line) instead of the strings
 * themselves: 8 bytes a slot, and no reference to the parser's buffers (a retained substring can
 * keep a whole input chunk alive). Two different ids are taken for one only when both hashes
 * collide: about n² / 2⁶⁵, one in thirty million for a million ids.
 */
export class IdSet {
  private slots = new Uint32Array(2 << 16);
  private mask = (1 << 16) - 1;
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Add `id`; false when it was already there. */
  add(id: string): boolean {
    IdSet.hash(id);
    return this.insert(IdSet.h1, IdSet.h2);
  }

  /** The two hashes of the last id given to `hash` (module-level so hashing allocates nothing). */
  static h1 = 0;
  static h2 = 0;

  /** Hash `id` into IdSet.h1 and IdSet.h2: what `add` keeps of it. */
  static hash(id: string): void {
    // FNV-1a and a multiplicative hash with a different seed, in one pass.
    let h1 = 0x811c9dc5;
    let h2 = 0x9747b28c;
    for (let i = 0; i < id.length; i++) {
      const c = id.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995);
      h2 ^= h2 >>> 15;
    }
    IdSet.h1 = (h1 ^ (h1 >>> 16)) >>> 0;
    // The second hash is never 0: 0 marks an empty slot.
    IdSet.h2 = (h2 ^ (h2 >>> 13) ^ id.length) >>> 0 || 1;
  }

  /** True when `id` is in the set. */
  has(id: string): boolean {
    IdSet.hash(id);
    return this.hasHashes(IdSet.h1, IdSet.h2);
  }

  /** True when the id with these hashes (see `hash`) is in the set. */
  hasHashes(h1: number, h2: number): boolean {
    const a = h1 >>> 0;
    const b = h2 >>> 0 || 1;
    const slots = this.slots;
    for (let slot = a & this.mask; ; slot = (slot + 1) & this.mask) {
      const stored = slots[2 * slot + 1]!;
      if (stored === 0) return false;
      if (stored === b && slots[2 * slot] === a) return true;
    }
  }

  /** Add an id by the hashes `hash` gave for it (from another thread); false when it was already there. */
  addHashes(h1: number, h2: number): boolean {
    return this.insert(h1 >>> 0, h2 >>> 0 || 1);
  }

  private insert(h1: number, h2: number): boolean {
    const slots = this.slots;
    let slot = h1 & this.mask;
    for (;;) {
      const stored = slots[2 * slot + 1]!;
      if (stored === 0) break;
      if (stored === h2 && slots[2 * slot] === h1) return false;
      slot = (slot + 1) & this.mask;
    }
    slots[2 * slot] = h1;
    slots[2 * slot + 1] = h2;
    this.count++;
    if (this.count * 2 > this.mask) this.grow();
    return true;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Uint32Array(old.length * 2);
    this.mask = old.length - 1;
    this.count = 0;
    for (let i = 0; i < old.length; i += 2) if (old[i + 1] !== 0) this.insert(old[i]!, old[i + 1]!);
  }
}
