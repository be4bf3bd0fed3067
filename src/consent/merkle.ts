import { createHash } from 'node:crypto';

/** One number's chain head as a checkpoint commits to it. */
export interface NumberHead {
  readonly phone: string;
  /** How many events the number's chain holds. */
  readonly seq: number;
  /** The hash of its newest event. */
  readonly hash: string;
}

const LEAF = Buffer.from([0]);
const NODE = Buffer.from([1]);

/** RFC 6962 leaf hash of a number's head: SHA-256(0x00 || JSON [phone, seq, hash]). */
export function leafHash(head: NumberHead): Buffer {
  return createHash('sha256')
    .update(LEAF)
    .update(JSON.stringify([head.phone, head.seq, head.hash]))
    .digest();
}

function nodeHash(left: Buffer, right: Buffer): Buffer {
  return createHash('sha256').update(NODE).update(left).update(right).digest();
}

/** Builds a Merkle tree hash leaf by leaf, in O(log n) memory. */
export interface MerkleBuilder {
  add(leaf: Buffer): void;
  /** The root (hex) of the leaves added so far; SHA-256 of nothing for none. */
  root(): string;
  readonly size: number;
}

/**
 * The Merkle tree hash of RFC 6962 (Certificate Transparency, section 2.1), computed as the leaves
 * stream past: a stack of perfect subtrees, merged while the two on top have the same size, and
 * folded right to left at the end, which is exactly the tree that splits at the largest power of two.
 */
export function createMerkleBuilder(): MerkleBuilder {
  const stack: { hash: Buffer; size: number }[] = [];
  let size = 0;
  return {
    get size() {
      return size;
    },
    add(leaf) {
      size++;
      let item = { hash: leaf, size: 1 };
      for (let top = stack.at(-1); top && top.size === item.size; top = stack.at(-1)) {
        stack.pop();
        item = { hash: nodeHash(top.hash, item.hash), size: top.size * 2 };
      }
      stack.push(item);
    },
    root() {
      if (stack.length === 0) return createHash('sha256').digest('hex');
      let hash = (stack.at(-1) as { hash: Buffer }).hash;
      for (let index = stack.length - 2; index >= 0; index--) {
        hash = nodeHash((stack[index] as { hash: Buffer }).hash, hash);
      }
      return hash.toString('hex');
    },
  };
}

/** The Merkle root (hex) over number heads in phone order. */
export function merkleRoot(heads: Iterable<NumberHead>): string {
  const builder = createMerkleBuilder();
  for (const head of heads) builder.add(leafHash(head));
  return builder.root();
}
