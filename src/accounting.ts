/**
 * Counting the entries a group's per-receiver records hold, without a list of
 * receivers: records count themselves in as they store and out as they drop,
 * and the garbage collector reports the ones that are collected (a
 * FinalizationRegistry), whose entries then leave the total.
 *
 * - A small record holds one entry while it is counted, so it registers with
 *   a number, its ticket: no allocation per instance. A record that drops its
 *   entry voids its ticket (its finalization then counts nothing).
 * - A record that grew into a full cache, and a cohort, are counted by a
 *   tally object, which is what their finalization reports.
 * - A registration costs a finalization cell that V8 keeps until the current
 *   task ends; so that a long synchronous job creating many instances does not
 *   pile them up, once a task has registered BULK_THRESHOLD records the next
 *   ones are counted by cohorts of up to COHORT_SIZE records of that task (one
 *   registration per cohort, reported when all of its records are collected).
 * - A clear-all starts a new generation: older tickets and tallies count no more.
 *
 * Every registration goes to ONE registry that lives as long as the process:
 * on Node 20 (V8 11.3), a FinalizationRegistry collected while it has cleanups
 * pending stops every cleanup in the process, so a registry per group (which
 * goes when its function goes) is not safe. Tickets are issued in blocks per
 * group, so a ticket alone names its group (through a weak reference per block).
 */
import type { Tally } from './cache.js';
import type { InstanceRecord, RecordAccounting } from './record.js';

/** Records one task may register individually before the rest are counted by cohorts. */
export const BULK_THRESHOLD = 1024;
/** Records per cohort in bulk. */
export const COHORT_SIZE = 64;

/**
 * The task boundary, as the host schedules it, captured when this module
 * loads: fake timers a test installs later must not stop it (a boundary that
 * never comes would leave the process counting in bulk for good).
 */
const host = globalThis as { setImmediate?: (fn: () => void) => { unref?: () => void }; setTimeout?: typeof setTimeout };
const scheduleTaskEnd: (fn: () => void) => { unref?: () => void } | undefined =
  host.setImmediate?.bind(globalThis) ?? ((fn) => host.setTimeout?.(fn, 0) as { unref?: () => void } | undefined);

/**
 * [0]: registrations in the current task, across every group; [1]: 1 while
 * the end of the task is scheduled. A typed array: the cheapest state to
 * update per record on V8 (module-level `let` bindings cost several times more).
 */
const taskState = new Float64Array(2);

/** Counts whose cohort belongs to the current task: released when it ends. */
const openCohorts: EntryCounts[] = [];

function endTask(): void {
  taskState[0] = 0;
  taskState[1] = 0;
  for (const counts of openCohorts) counts.closeCohort();
  openCohorts.length = 0;
}

/** Counts a registration; true once this task has registered too many to register more individually. */
function inBulk(): boolean {
  if (taskState[1] === 0) {
    taskState[1] = 1;
    scheduleTaskEnd(endTask)?.unref?.();
  }
  return ++taskState[0]! > BULK_THRESHOLD;
}

/**
 * The entry count of a grown record's full cache (or of a cohort's records),
 * counted into its counts' total while it belongs to the current generation
 * (no clear-all since it was made).
 */
class RecordTally implements Tally {
  entries = 0;
  constructor(
    readonly counts: EntryCounts,
    readonly generation: number,
  ) {}

  add(delta: number): void {
    this.entries += delta;
    if (this.generation === this.counts.generation) this.counts.size += delta;
  }
}

/** Tickets per block: a group takes tickets a block at a time, so a ticket alone names its group. */
const TICKETS_PER_BLOCK = 1024;

/** A group's block of tickets, for one generation of its records. */
class TicketBlock {
  /** Tickets issued from this block and not finalized yet. */
  outstanding = 0;
  /** No more tickets will be issued from it. */
  closed = false;
  constructor(
    readonly counts: WeakRef<EntryCounts>,
    readonly generation: number,
  ) {}
}

/** Ticket blocks by index (ticket / TICKETS_PER_BLOCK), and indexes free for reuse. */
const blocks: (TicketBlock | undefined)[] = [];
const freeBlocks: number[] = [];

/** No more tickets come from `block`; its index is free once all its tickets are finalized. */
function closeBlock(block: TicketBlock, index: number): void {
  block.closed = true;
  if (block.outstanding === 0) {
    blocks[index] = undefined;
    freeBlocks.push(index);
  }
}

/** The one registry of every group's records (see the module comment). */
const collectedRecords = new FinalizationRegistry<number | RecordTally>((held) => {
  if (typeof held !== 'number') {
    held.counts.tallyCollected(held);
    return;
  }
  const index = Math.floor(held / TICKETS_PER_BLOCK);
  const block = blocks[index]!;
  const counts = block.counts.deref();
  counts?.ticketCollected(held, block.generation);
  if (--block.outstanding === 0 && (block.closed || counts === undefined)) {
    blocks[index] = undefined;
    freeBlocks.push(index);
  }
});

/** What records of one cohort keep alive together; collected when they all are. */
class Cohort {
  constructor(readonly tally: RecordTally) {}
}

/** The entry counts of one group's records. */
export class EntryCounts implements RecordAccounting {
  /** Entries held by records of the current generation. */
  size = 0;
  /** Bumped by clear-all: records (their tickets and tallies) of an older generation count no more. */
  generation = 0;
  /** The block tickets are issued from, and the next ticket in it. */
  private block: TicketBlock | undefined = undefined;
  private nextTicket = 0;
  /** Tickets of records that dropped their entry but are alive: their finalization counts nothing. */
  private voided = new Set<number>();
  /**
   * The cohort being filled, held only until the task that opened it ends
   * (`closeCohort`): from then on, its records alone decide when it is
   * collected, and no record of a later task joins it.
   */
  private cohort: Cohort | undefined = undefined;
  private cohortMembers = 0;

  /** A small record's entry count changed: it starts being counted, or is counted out. */
  counted(record: InstanceRecord, delta: number): void {
    const accounting = record.accounting;
    if (accounting instanceof Cohort) {
      accounting.tally.add(delta);
    } else if (delta > 0) {
      if (this.joinCohort(record)) (record.accounting as Cohort).tally.add(delta);
      else {
        const ticket = this.issueTicket();
        collectedRecords.register(record, ticket);
        record.accounting = ticket;
        this.size += delta;
      }
    } else if (typeof accounting === 'number') {
      record.accounting = undefined;
      if (blocks[Math.floor(accounting / TICKETS_PER_BLOCK)]!.generation !== this.generation) return; // cleared since
      this.voided.add(accounting);
      this.size += delta;
    }
  }

  /** The tally a growing record's full cache counts its entries by. */
  tallyForGrowth(record: InstanceRecord): Tally {
    if (record.accounting instanceof Cohort || this.joinCohort(record)) return (record.accounting as Cohort).tally;
    const tally = new RecordTally(this, this.generation);
    collectedRecords.register(record, tally);
    record.accounting = tally;
    return tally;
  }

  /** Whether `tally` counts for these counts (a budget's cache: is it one of this group's records?). */
  owns(tally: unknown): boolean {
    return tally instanceof RecordTally && tally.counts === this;
  }

  /** A clear-all: what was counted counts no more. */
  clear(): void {
    this.generation++;
    this.size = 0;
    this.voided = new Set();
    this.cohort = undefined;
  }

  /** The task that opened the current cohort ended. */
  closeCohort(): void {
    this.cohort = undefined;
  }

  /** A small record registered with `ticket` was collected. */
  ticketCollected(ticket: number, generation: number): void {
    if (generation === this.generation && !this.voided.delete(ticket)) this.size--;
  }

  /** A record counted by `tally` (a grown record, or a whole cohort) was collected. */
  tallyCollected(tally: RecordTally): void {
    if (tally.generation === this.generation) this.size -= tally.entries;
  }

  /** A ticket from the current block (a new block when it is full or from an older generation). */
  private issueTicket(): number {
    let block = this.block;
    if (block === undefined || this.nextTicket % TICKETS_PER_BLOCK === 0 || block.generation !== this.generation) {
      if (block !== undefined) closeBlock(block, Math.floor((this.nextTicket - 1) / TICKETS_PER_BLOCK));
      const index = freeBlocks.pop() ?? blocks.length;
      block = blocks[index] = this.block = new TicketBlock(new WeakRef(this), this.generation);
      this.nextTicket = index * TICKETS_PER_BLOCK;
    }
    block.outstanding++;
    return this.nextTicket++;
  }

  /** In bulk (see BULK_THRESHOLD), puts the record in the current cohort; false otherwise. */
  private joinCohort(record: InstanceRecord): boolean {
    if (!inBulk()) return false;
    let cohort = this.cohort;
    if (cohort === undefined || this.cohortMembers >= COHORT_SIZE || cohort.tally.generation !== this.generation) {
      if (cohort === undefined) openCohorts.push(this);
      cohort = this.cohort = new Cohort(new RecordTally(this, this.generation));
      this.cohortMembers = 0;
      collectedRecords.register(cohort, cohort.tally);
    }
    this.cohortMembers++;
    record.accounting = cohort;
    return true;
  }
}
