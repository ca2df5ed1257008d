/**
 * The argument trie: turns an argument list into a leaf without building a key.
 *
 * One level per argument. Each node keeps primitives in a `Map` (SameValueZero:
 * `NaN` finds `NaN`, `-0` finds `0`, `1` and `'1'` differ) and objects and
 * functions in a `WeakMap`, so an argument object is never kept alive by the
 * trie. The owner keeps one root per argument count, which is how `f(1)` and
 * `f(1, undefined)` stay apart.
 *
 * A leaf is either
 * - a slot number, when every key on its path is a primitive: the owner keeps
 *   the value in its slot arrays (no per-entry object at all), or
 * - a {@link WeakEntry}, when some key on the path is an object: the value
 *   lives inside the entry, and the entry is reachable only through the
 *   WeakMap level(s), so a result that points back at its own argument does
 *   not keep that argument alive (WeakMap entries are ephemerons).
 *
 * Each node counts the entries at or below it so that emptied branches are
 * pruned: a bounded cache over ever-new keys must not grow without bound.
 */

import { keepShapes } from './shapes.js';

/**
 * A trie level. The node is itself the Map of its primitive-keyed children:
 * a hit walks one object per argument, as nested Maps do (a node holding a
 * separate Map cost one more dependent load per argument).
 */
export class TrieNode extends Map<unknown, TrieNode | Leaf> {
  weak: WeakMap<object, TrieNode | Leaf> | undefined = undefined;
  /** Live entries at or below this node. */
  live = 0;

  constructor(
    readonly parent: TrieNode | undefined,
    /** This node's key in its parent. An object here is fine: the node is
     * itself only reachable through the parent's WeakMap under that key. */
    readonly keyInParent: unknown,
  ) {
    super();
  }
}

/** A cached result whose path holds an object argument. */
export class WeakEntry {
  constructor(
    public value: unknown,
    /** Slot in the owner's recency list. */
    public slot: number,
    /** Epoch milliseconds after which the entry is stale (`Infinity`: never). */
    public expires: number,
    /** The node that holds this leaf, and the key it is held under. */
    readonly owner: TrieNode,
    readonly key: unknown,
  ) {}
}

export type Leaf = number | WeakEntry;

/** The key list of a zero-argument call (a getter's). */
export const NO_KEYS: readonly unknown[] = Object.freeze([]);

/** The first `count` keys as an array of their own (a loop: Array.from with a mapper costs a call per key). */
export function copyKeys(keys: ArrayLike<unknown>, count: number): unknown[] {
  const copy = new Array<unknown>(count);
  for (let i = 0; i < count; i++) copy[i] = keys[i];
  return copy;
}

/** True for values a WeakMap can hold: objects and functions. */
export function isObjectLike(value: unknown): value is object {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}

/**
 * The child of `node` under `key`, or undefined. The node's own Map first (a
 * primitive key, the common case, skips the type test), with explicit
 * undefined checks (an optional call or `??` also tests for null): the hit
 * paths of two and three arguments walk the trie with it.
 */
export function childOf(node: TrieNode, key: unknown): TrieNode | Leaf | undefined {
  const found = node.get(key);
  if (found !== undefined) return found;
  const weak = node.weak;
  return weak !== undefined && isObjectLike(key) ? weak.get(key) : undefined;
}

/**
 * Follows `keys[0 .. depth-2]` from `root` and returns the leaf under
 * `keys[depth-1]`, or undefined when any level is missing.
 */
export function findLeaf(
  root: TrieNode | undefined,
  keys: ArrayLike<unknown>,
  depth: number,
): Leaf | undefined {
  let node = root;
  for (let i = 0; node !== undefined && i < depth - 1; i++) {
    node = childOf(node, keys[i]) as TrieNode | undefined;
  }
  return node === undefined ? undefined : (childOf(node, keys[depth - 1]) as Leaf | undefined);
}

/**
 * Follows `keys[0 .. depth-2]` from `root`, creating missing nodes, and returns
 * the node that holds (or will hold) the leaf for `keys[depth-1]`.
 */
export function ownerFor(root: TrieNode, keys: ArrayLike<unknown>, depth: number): TrieNode {
  let node = root;
  for (let i = 0; i < depth - 1; i++) {
    const key = keys[i];
    let child = childOf(node, key) as TrieNode | undefined;
    if (child === undefined) {
      child = new TrieNode(node, key);
      setChild(node, key, child);
    }
    node = child;
  }
  return node;
}

export function setChild(node: TrieNode, key: unknown, child: TrieNode | Leaf): void {
  if (isObjectLike(key)) (node.weak ??= new WeakMap()).set(key, child);
  else node.set(key, child);
}

/** Counts a new entry at `owner` and every ancestor. */
export function countEntry(owner: TrieNode): void {
  for (let node: TrieNode | undefined = owner; node !== undefined; node = node.parent) node.live++;
}

/**
 * Un-counts an entry from `node` upward, detaching every node left empty (a
 * root, which has no parent, is kept).
 */
export function uncountEntry(node: TrieNode): void {
  for (let n: TrieNode | undefined = node; n !== undefined; n = n.parent) {
    if (--n.live === 0 && n.parent !== undefined) deleteChild(n.parent, n.keyInParent);
  }
}

export function deleteChild(node: TrieNode, key: unknown): void {
  if (isObjectLike(key)) node.weak?.delete(key);
  else node.delete(key);
}

/**
 * The key list of the leaf `leafKey` under `owner`, read back up the trie,
 * without its first `offset` keys (a keyed cache's scope key); `zero`: the
 * zero-argument entry, whose list is empty.
 */
export function keyListOf(owner: TrieNode, leafKey: unknown, offset: number, zero = false): unknown[] {
  if (zero) return [];
  const keys = [leafKey];
  for (let node = owner; node.parent !== undefined; node = node.parent) keys.unshift(node.keyInParent);
  return offset === 0 ? keys : keys.slice(offset);
}

/** Index of the first object-like key in `keys[0 .. depth-1]`, or -1. */
export function firstObjectKey(keys: ArrayLike<unknown>, depth: number): number {
  for (let i = 0; i < depth; i++) if (isObjectLike(keys[i])) return i;
  return -1;
}

/**
 * The deepest node of the leaf's path that is reached through primitive keys
 * only (the node whose child is keyed by the first object). It outlives any
 * object on the path, so it is where a collected entry is un-counted.
 */
export function anchorOf(owner: TrieNode, depth: number, firstObject: number): TrieNode {
  let node = owner;
  for (let level = depth - 1; level > firstObject; level--) node = node.parent!;
  return node;
}

// One node and one weak entry kept for the life of the process, so their hidden classes outlive every real one
// (see shapes.ts).
const anchorNode = new TrieNode(undefined, undefined);
keepShapes(anchorNode, new WeakEntry(undefined, -1, Infinity, anchorNode, undefined));
