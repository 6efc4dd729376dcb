/**
 * A Merkle tree in the manner of RFC 9162 (Certificate Transparency 2.0), section 2.1: SHA-256,
 * leaf hash = H(0x00 ‖ leaf), interior node = H(0x01 ‖ left ‖ right), the left subtree always the
 * largest power of two smaller than the tree. Inclusion proofs show that a leaf is in a tree;
 * consistency proofs show that a larger tree extends a smaller one without rewriting it.
 *
 * Hashes are 32-byte Buffers; a list of leaf hashes is a `LeafHashes` (one Buffer, 32 bytes each),
 * so a million leaves take 32 MB and no million small objects.
 */
import { createHash } from 'node:crypto';

export const HASH_SIZE = 32;

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

/** SHA-256 of the empty string: the root of a tree with no leaves. */
export const EMPTY_ROOT: Buffer = createHash('sha256').digest();

/** The hash of one leaf: H(0x00 ‖ data). */
export function leafHash(data: string | Uint8Array): Buffer {
  return createHash('sha256').update(LEAF_PREFIX).update(data).digest();
}

/** The hash of an interior node: H(0x01 ‖ left ‖ right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
}

/** The largest power of two strictly smaller than n (n ≥ 2). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** Leaf hashes packed in one buffer; `at(i)` is a view, not a copy. */
export class LeafHashes {
  private buffer: Buffer;
  private count = 0;

  constructor(capacity = 1024) {
    this.buffer = Buffer.alloc(Math.max(1, capacity) * HASH_SIZE);
  }

  static of(hashes: readonly Uint8Array[]): LeafHashes {
    const list = new LeafHashes(hashes.length);
    for (const hash of hashes) list.push(hash);
    return list;
  }

  get length(): number {
    return this.count;
  }

  push(hash: Uint8Array): void {
    if (hash.length !== HASH_SIZE) throw new Error(`a leaf hash has ${HASH_SIZE} bytes, got ${hash.length}`);
    if ((this.count + 1) * HASH_SIZE > this.buffer.length) {
      const bigger = Buffer.alloc(this.buffer.length * 2);
      this.buffer.copy(bigger);
      this.buffer = bigger;
    }
    this.buffer.set(hash, this.count * HASH_SIZE);
    this.count++;
  }

  at(index: number): Buffer {
    if (index < 0 || index >= this.count) throw new RangeError(`leaf ${index} of ${this.count}`);
    return this.buffer.subarray(index * HASH_SIZE, (index + 1) * HASH_SIZE);
  }
}

/** MTH(D[start:end]) over leaf hashes, by RFC 9162's recursion (iterative over perfect subtrees). */
export function subtreeRoot(leaves: LeafHashes, start: number, end: number): Buffer {
  if (start > end || end > leaves.length) throw new RangeError(`subtree [${start}, ${end}) of ${leaves.length} leaves`);
  if (end === start) return EMPTY_ROOT;
  if (end - start === 1) return Buffer.from(leaves.at(start));
  const k = splitPoint(end - start);
  return nodeHash(subtreeRoot(leaves, start, start + k), subtreeRoot(leaves, start + k, end));
}

/** The root of the first `size` leaves (default: all). */
export function rootOf(leaves: LeafHashes, size = leaves.length): Buffer {
  return subtreeRoot(leaves, 0, size);
}

/** PATH(m, D[n]): the audit path of leaf `index` in the tree of the first `size` leaves. */
export function inclusionProof(leaves: LeafHashes, index: number, size = leaves.length): Buffer[] {
  if (index < 0 || index >= size || size > leaves.length) throw new RangeError(`leaf ${index} in a tree of ${size}`);
  const path = (m: number, start: number, end: number): Buffer[] => {
    if (end - start === 1) return [];
    const k = splitPoint(end - start);
    return m < k ? [...path(m, start, start + k), subtreeRoot(leaves, start + k, end)] : [...path(m - k, start + k, end), subtreeRoot(leaves, start, start + k)];
  };
  return path(index, 0, size);
}

/** PROOF(m, D[n]): the consistency proof from the tree of `first` leaves to the tree of `second`. */
export function consistencyProof(leaves: LeafHashes, first: number, second = leaves.length): Buffer[] {
  if (first < 0 || first > second || second > leaves.length) throw new RangeError(`consistency ${first} → ${second} of ${leaves.length} leaves`);
  if (first === 0 || first === second) return [];
  const subproof = (m: number, start: number, end: number, complete: boolean): Buffer[] => {
    const n = end - start;
    if (m === n) return complete ? [] : [subtreeRoot(leaves, start, end)];
    const k = splitPoint(n);
    return m <= k ? [...subproof(m, start, start + k, complete), subtreeRoot(leaves, start + k, end)] : [...subproof(m - k, start + k, end, false), subtreeRoot(leaves, start, start + k)];
  };
  return subproof(first, 0, second, true);
}

const isOdd = (n: number): boolean => n % 2 === 1;
const half = (n: number): number => Math.floor(n / 2);

/** RFC 9162 §2.1.3.2: does `proof` show leaf `index` with hash `leaf` in the tree of `size` with `root`? */
export function verifyInclusion(index: number, size: number, leaf: Uint8Array, proof: readonly Uint8Array[], root: Uint8Array): boolean {
  if (index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r: Uint8Array = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && Buffer.compare(Buffer.from(r), Buffer.from(root)) === 0;
}

/**
 * RFC 9162 §2.1.4.2: does `proof` show that the tree of `second` leaves with root `secondRoot`
 * extends, unchanged, the tree of `first` leaves with root `firstRoot`?
 */
export function verifyConsistency(first: number, second: number, proof: readonly Uint8Array[], firstRoot: Uint8Array, secondRoot: Uint8Array): boolean {
  const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;
  if (first < 0 || first > second) return false;
  if (first === second) return proof.length === 0 && same(firstRoot, secondRoot);
  // Every tree extends the empty one; the proof is empty.
  if (first === 0) return proof.length === 0 && same(firstRoot, EMPTY_ROOT);
  if (proof.length === 0) return false;
  const path: Uint8Array[] = (first & (first - 1)) === 0 ? [firstRoot, ...proof] : [...proof];
  let fn = first - 1;
  let sn = second - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return same(fr, firstRoot) && same(sr, secondRoot) && sn === 0;
}

/**
 * The right edge of a growing tree: the roots of its perfect subtrees, largest first. Appending a
 * leaf and taking the root each cost O(log n), so a sealer extends the tree without reading it.
 */
export class Frontier {
  private constructor(
    private size: number,
    private readonly nodes: Buffer[],
  ) {}

  static empty(): Frontier {
    return new Frontier(0, []);
  }

  /** A frontier as `toJSON` gave it; throws when the node count does not fit the size. */
  static fromJSON(value: { size: number; nodes: string[] }): Frontier {
    let bits = 0;
    for (let n = value.size; n > 0; n = half(n)) bits += n % 2;
    if (!Number.isSafeInteger(value.size) || value.size < 0 || value.nodes.length !== bits) throw new Error(`a frontier of ${value.size} leaves has ${bits} nodes, got ${value.nodes.length}`);
    return new Frontier(
      value.size,
      value.nodes.map((h) => Buffer.from(h, 'hex')),
    );
  }

  get treeSize(): number {
    return this.size;
  }

  append(leaf: Uint8Array): void {
    let node: Buffer = Buffer.from(leaf);
    // Each trailing 1 bit of the old size is a perfect subtree the new leaf completes.
    for (let n = this.size; isOdd(n); n = half(n)) node = nodeHash(this.nodes.pop()!, node);
    this.nodes.push(node);
    this.size++;
  }

  root(): Buffer {
    if (this.nodes.length === 0) return EMPTY_ROOT;
    let root = this.nodes[this.nodes.length - 1]!;
    for (let i = this.nodes.length - 2; i >= 0; i--) root = nodeHash(this.nodes[i]!, root);
    return root;
  }

  toJSON(): { size: number; nodes: string[] } {
    return { size: this.size, nodes: this.nodes.map((n) => n.toString('hex')) };
  }
}
