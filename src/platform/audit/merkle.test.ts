import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { consistencyProof, EMPTY_ROOT, Frontier, inclusionProof, LeafHashes, leafHash, rootOf, subtreeRoot, verifyConsistency, verifyInclusion } from './merkle.js';

// Independent of the code under test: hashes written out with node:crypto directly.
const sha = (...parts: (number[] | Buffer)[]): Buffer => {
  const h = createHash('sha256');
  for (const p of parts) h.update(Array.isArray(p) ? Buffer.from(p) : p);
  return h.digest();
};
const leaf = (text: string): Buffer => sha([0], Buffer.from(text));
const node = (l: Buffer, r: Buffer): Buffer => sha([1], l, r);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

// The Certificate Transparency reference tree (RFC 6962's test data, as published with the
// reference implementation): eight leaf inputs and the tree heads of their prefixes.
const CT_INPUTS = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((h) => Buffer.from(h, 'hex'));
const CT_ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const CT_CONSISTENCY: [number, number, string[]][] = [
  [1, 1, []],
  [1, 8, ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4']],
  [6, 8, ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']],
  [2, 5, ['5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b']],
];
const CT_INCLUSION: [number, number, string[]][] = [
  [0, 8, ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4']],
  [5, 8, ['bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']],
  [2, 3, ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125']],
  [1, 5, ['6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b']],
];

describe('Merkle tree (RFC 9162)', () => {
  const ct = LeafHashes.of(CT_INPUTS.map((d) => leafHash(d)));

  it('hashes leaves and nodes with their domain prefixes', () => {
    expect(hex(leafHash('a'))).toBe(hex(sha([0x00], Buffer.from('a'))));
    expect(hex(EMPTY_ROOT)).toBe(CT_ROOTS[0]);
  });

  it('gives the reference tree heads for every size from 0 to 8', () => {
    for (let n = 0; n <= 8; n++) expect(hex(rootOf(ct, n)), `size ${n}`).toBe(CT_ROOTS[n]);
  });

  it('builds small uneven trees as written out by hand', () => {
    const [a, b, c, d, e, f, g] = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map(leaf) as [Buffer, Buffer, Buffer, Buffer, Buffer, Buffer, Buffer];
    const leaves = LeafHashes.of([a, b, c, d, e, f, g]);
    expect(hex(rootOf(leaves, 1))).toBe(hex(a));
    expect(hex(rootOf(leaves, 3))).toBe(hex(node(node(a, b), c)));
    expect(hex(rootOf(leaves, 5))).toBe(hex(node(node(node(a, b), node(c, d)), e)));
    expect(hex(rootOf(leaves, 6))).toBe(hex(node(node(node(a, b), node(c, d)), node(e, f))));
    expect(hex(rootOf(leaves, 7))).toBe(hex(node(node(node(a, b), node(c, d)), node(node(e, f), g))));
    expect(hex(subtreeRoot(leaves, 4, 7))).toBe(hex(node(node(e, f), g)));
    // Leaf 4 (e) in the tree of 7: its sibling f, then g, then the left half.
    expect(inclusionProof(leaves, 4, 7).map(hex)).toEqual([f, g, node(node(a, b), node(c, d))].map(hex));
    // From 3 to 7: c, d (completing the left half's right side), a‖b, then the right half.
    expect(consistencyProof(leaves, 3, 7).map(hex)).toEqual([c, d, node(a, b), node(node(e, f), g)].map(hex));
  });

  it('gives the reference inclusion and consistency proofs, and they verify', () => {
    for (const [index, size, proof] of CT_INCLUSION) {
      expect(inclusionProof(ct, index, size).map(hex), `leaf ${index} of ${size}`).toEqual(proof);
      expect(verifyInclusion(index, size, ct.at(index), proof.map((h) => Buffer.from(h, 'hex')), Buffer.from(CT_ROOTS[size]!, 'hex'))).toBe(true);
    }
    for (const [first, second, proof] of CT_CONSISTENCY) {
      expect(consistencyProof(ct, first, second).map(hex), `${first} → ${second}`).toEqual(proof);
      expect(verifyConsistency(first, second, proof.map((h) => Buffer.from(h, 'hex')), Buffer.from(CT_ROOTS[first]!, 'hex'), Buffer.from(CT_ROOTS[second]!, 'hex'))).toBe(true);
    }
  });

  it('proves every leaf and every pair of sizes up to 33 leaves, and refuses altered proofs', () => {
    const all = LeafHashes.of(Array.from({ length: 33 }, (_, i) => leaf(`entry ${i}`)));
    const roots = Array.from({ length: 34 }, (_, n) => rootOf(all, n));
    for (let n = 1; n <= 33; n++) {
      for (let i = 0; i < n; i++) {
        const proof = inclusionProof(all, i, n);
        expect(verifyInclusion(i, n, all.at(i), proof, roots[n]!)).toBe(true);
        expect(verifyInclusion(i, n, leaf('forged'), proof, roots[n]!)).toBe(false);
        if (n > 1) expect(verifyInclusion((i + 1) % n, n, all.at(i), proof, roots[n]!)).toBe(false);
      }
      for (let m = 0; m <= n; m++) {
        const proof = consistencyProof(all, m, n);
        expect(verifyConsistency(m, n, proof, roots[m]!, roots[n]!), `${m} → ${n}`).toBe(true);
        if (m > 0 && m < n) {
          // A rewritten past (another first root) or another present does not verify.
          expect(verifyConsistency(m, n, proof, roots[m - 1]!, roots[n]!)).toBe(false);
          expect(verifyConsistency(m, n, proof, roots[m]!, leaf('other'))).toBe(false);
          expect(verifyConsistency(m, n, proof.slice(1), roots[m]!, roots[n]!)).toBe(false);
        }
      }
    }
  });

  it('detects a changed leaf in the past through the consistency check', () => {
    const honest = LeafHashes.of(['a', 'b', 'c', 'd', 'e', 'f'].map(leaf));
    const rewritten = LeafHashes.of(['a', 'B', 'c', 'd', 'e', 'f'].map(leaf));
    const proof = consistencyProof(rewritten, 3, 6);
    expect(verifyConsistency(3, 6, proof, rootOf(honest, 3), rootOf(rewritten, 6))).toBe(false);
  });

  it('extends a frontier to the same roots as the whole tree, and round-trips it', () => {
    const frontier = Frontier.empty();
    const leaves = new LeafHashes(1);
    expect(hex(frontier.root())).toBe(CT_ROOTS[0]);
    for (let i = 0; i < 70; i++) {
      const h = leaf(`n${i}`);
      frontier.append(h);
      leaves.push(h);
      expect(hex(frontier.root()), `size ${i + 1}`).toBe(hex(rootOf(leaves)));
    }
    const copy = Frontier.fromJSON(JSON.parse(JSON.stringify(frontier.toJSON())) as { size: number; nodes: string[] });
    expect(copy.treeSize).toBe(70);
    expect(hex(copy.root())).toBe(hex(frontier.root()));
    expect(() => Frontier.fromJSON({ size: 70, nodes: [] })).toThrow(/3 nodes/);
  });
});
