/**
 * The LRU container: a doubly linked recency list over integer slots.
 *
 * It knows nothing about functions, keys or values. Its owner keeps whatever it
 * stores in parallel arrays indexed by slot; the list only decides which slot
 * is least recently used, hands out free slots, and tells the owner (through
 * `evict`) when it has to take a slot back to make room.
 *
 * Links live in typed arrays rather than node objects so that the list holds no
 * reference to anything: a slot whose payload is held weakly stays weak.
 */

/** Marks "no slot" in the link arrays and for an empty list. */
const NONE = -1;

/** Slots are allocated in chunks that double, so a tiny cache stays tiny. */
const INITIAL_CAPACITY = 4;

export class RecencyList {
  /** Slot toward the least recent end, or NONE. */
  private prev: Int32Array;
  /** Slot toward the most recent end, or NONE. */
  private next: Int32Array;
  /** Stack of released slots, reused before the high-water mark grows. */
  private readonly released: number[] = [];
  /** Slots [0, used) have been handed out at least once. */
  private used = 0;
  private head = NONE; // most recently used
  private tail = NONE; // least recently used
  size = 0;

  /**
   * @param maxSize most slots in use at once, at least 1 (`Infinity` = never evicts)
   * @param evict called with the least recently used slot when a new slot is
   *   needed and the list is full; the owner drops that slot's payload (and
   *   must not call release). The slot is reused right after the call.
   */
  constructor(
    readonly maxSize: number,
    private readonly evict: (slot: number) => void,
  ) {
    const capacity = Math.min(maxSize, INITIAL_CAPACITY);
    this.prev = new Int32Array(capacity);
    this.next = new Int32Array(capacity);
  }

  /** Returns a slot linked as most recent, evicting the least recent if full. */
  allocate(): number {
    let slot: number;
    if (this.size >= this.maxSize) {
      slot = this.tail;
      this.evict(slot);
      this.unlink(slot);
      this.size--;
    } else if (this.released.length > 0) {
      slot = this.released.pop()!;
    } else {
      slot = this.used++;
      if (slot >= this.prev.length) this.grow();
    }
    this.size++;
    this.linkAsHead(slot);
    return slot;
  }

  /** Marks a slot as most recently used. O(1). */
  touch(slot: number): void {
    if (slot === this.head) return;
    this.unlink(slot);
    this.linkAsHead(slot);
  }

  /** Gives a slot back. The owner has already dropped its payload. */
  release(slot: number): void {
    this.unlink(slot);
    this.size--;
    this.released.push(slot);
  }

  /** Least recently used slot first, each in-use slot once. */
  *slotsOldestFirst(): IterableIterator<number> {
    for (let slot = this.tail; slot !== NONE; ) {
      const newer = this.next[slot]!;
      yield slot;
      slot = newer;
    }
  }

  /** Forgets every slot. Payload arrays are the owner's to reset. */
  clear(): void {
    this.head = this.tail = NONE;
    this.size = 0;
    this.used = 0;
    this.released.length = 0;
    const capacity = Math.min(this.maxSize, INITIAL_CAPACITY);
    this.prev = new Int32Array(capacity);
    this.next = new Int32Array(capacity);
  }

  private linkAsHead(slot: number): void {
    this.prev[slot] = this.head;
    this.next[slot] = NONE;
    if (this.head !== NONE) this.next[this.head] = slot;
    else this.tail = slot;
    this.head = slot;
  }

  private unlink(slot: number): void {
    const older = this.prev[slot]!;
    const newer = this.next[slot]!;
    if (older !== NONE) this.next[older] = newer;
    else this.tail = newer;
    if (newer !== NONE) this.prev[newer] = older;
    else this.head = older;
  }

  private grow(): void {
    const capacity = Math.min(this.maxSize, this.prev.length * 2);
    const prev = new Int32Array(capacity);
    const next = new Int32Array(capacity);
    prev.set(this.prev);
    next.set(this.next);
    this.prev = prev;
    this.next = next;
  }
}
