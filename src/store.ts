/**
 * The LRU container: a doubly linked recency list over integer slots.
 *
 * It knows nothing about functions, keys or values. Its owner (a cache's
 * table, a budget) keeps whatever it stores in parallel arrays indexed by
 * slot; the list only decides which slot is least recently used, hands out
 * free slots, and tells the owner (`evictSlot`) when it must take a slot back
 * to make room. Every owner holds a list of this one class, so a touch never
 * meets two shapes (a subclass per owner would make the hit of every cache
 * polymorphic as soon as a budget is used).
 *
 * Links live in two typed arrays (toward the older end, toward the newer one)
 * rather than node objects, so the list holds no reference to anything (a slot
 * whose payload is held weakly stays weak) and a touch writes integers, never
 * pointers (no write barrier). Nothing is allocated before a second slot: a
 * lone slot is both head and tail and needs no links.
 */

/**
 * "No slot", in the links and for an empty list. A const enum, so the build
 * writes -1 at each use (a module-level `const` is read from the module's
 * context, with a check, every time).
 */
const enum Link {
  NONE = -1,
}

/** Shared by every list that has not linked two slots yet. */
const NO_LINKS = new Int32Array(0);

/** Who the list asks to drop a slot's payload when it must evict. */
export interface SlotOwner {
  /**
   * The list is full and needs `slot`, its least recently used one: drop its
   * payload (do not release it), the list reuses it right after.
   */
  evictSlot(slot: number): void;
}

export class RecencyList {
  /** older[slot]: the slot toward the least recent end (NONE at the tail). */
  private older: Int32Array = NO_LINKS;
  /** newer[slot]: the slot toward the most recent end (NONE at the head). */
  private newer: Int32Array = NO_LINKS;
  /** Stack of released slots, reused before the high-water mark grows. */
  private released: number[] | undefined = undefined;
  /** Slots [0, used) have been handed out at least once. */
  private used = 0;
  /** The most recently used slot. */
  private head: number = Link.NONE;
  /** The least recently used slot (-1: none). Written by the list only. */
  tail: number = Link.NONE;
  /** Slots in use. */
  size = 0;

  /**
   * @param maxSize most slots in use at once, at least 1 (`Infinity`: never evicts)
   * @param owner drops a slot's payload when the list evicts it
   */
  constructor(
    readonly maxSize: number,
    private readonly owner: SlotOwner,
  ) {}

  /** A slot linked as most recent, evicting the least recent one if the list is full. */
  allocate(): number {
    let slot: number;
    if (this.size >= this.maxSize) {
      slot = this.tail;
      this.owner.evictSlot(slot);
      this.unlink(slot);
      this.size--;
    } else if (this.released !== undefined && this.released.length > 0) {
      slot = this.released.pop()!;
    } else {
      slot = this.used++;
      if (slot >= this.older.length && slot > 0) this.grow(slot);
    }
    this.size++;
    this.linkAsHead(slot);
    return slot;
  }

  /**
   * Marks a slot as most recently used: O(1), written out (the hit path of
   * every bounded cache). Not the head, so at least two slots are linked and
   * there is a newer slot to link around.
   */
  touch(slot: number): void {
    const head = this.head;
    if (slot === head) return;
    const older = this.older;
    const newer = this.newer;
    const before = older[slot]!;
    const after = newer[slot]!;
    if (before === Link.NONE) this.tail = after;
    else newer[before] = after;
    older[after] = before;
    older[slot] = head;
    newer[slot] = Link.NONE;
    newer[head] = slot;
    this.head = slot;
  }

  /** Gives a slot back; its payload is already dropped. */
  release(slot: number): void {
    this.unlink(slot);
    this.size--;
    (this.released ??= []).push(slot);
  }

  /** Every slot in use, least recently used first. */
  slotsOldestFirst(): number[] {
    const slots: number[] = [];
    for (let slot = this.tail; slot !== Link.NONE; slot = this.older.length === 0 ? Link.NONE : this.newer[slot]!) {
      slots.push(slot);
    }
    return slots;
  }

  /** Forgets every slot (the owner resets its payload). */
  clear(): void {
    this.head = this.tail = Link.NONE;
    this.size = this.used = 0;
    this.released = undefined;
    this.older = this.newer = NO_LINKS;
  }

  private linkAsHead(slot: number): void {
    const head = this.head;
    if (head === Link.NONE) {
      this.head = this.tail = slot;
      if (this.older.length > 0) this.older[slot] = this.newer[slot] = Link.NONE;
      return;
    }
    this.older[slot] = head;
    this.newer[slot] = Link.NONE;
    this.newer[head] = slot;
    this.head = slot;
  }

  private unlink(slot: number): void {
    if (this.older.length === 0) {
      this.head = this.tail = Link.NONE; // the only slot
      return;
    }
    const before = this.older[slot]!;
    const after = this.newer[slot]!;
    if (before === Link.NONE) this.tail = after;
    else this.newer[before] = after;
    if (after === Link.NONE) this.head = before;
    else this.older[after] = before;
  }

  /** Room for `slot`'s links: capacity doubles (from 2), capped at maxSize. */
  private grow(slot: number): void {
    const capacity = Math.min(this.maxSize, Math.max(2, 2 * this.older.length, slot + 1));
    const older = new Int32Array(capacity);
    const newer = new Int32Array(capacity);
    if (this.older.length === 0) {
      // The lone slot 0 (head and tail) gets its links now.
      older[0] = newer[0] = Link.NONE;
    } else {
      older.set(this.older);
      newer.set(this.newer);
    }
    this.older = older;
    this.newer = newer;
  }
}
