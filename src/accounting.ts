/**
 * Counting the entries a group's per-receiver records hold, without a list of
 * receivers: records count themselves in as they store and out as they drop,
 * and the garbage collector reports the ones that are collected (a
 * FinalizationRegistry), whose entries then leave the total.
 *
 * Records are reported through cohorts: a record joins a cohort at its first
 * store and holds it; the cohort alone is registered, so it is collected (and
 * its tally, the entries its records still counted, leaves the total) when
 * every record holding it has been. Registering the record itself would keep
 * it, and what its entry points to, alive through every minor GC until a full
 * one; a cohort is a two-field object.
 *
 * How many records share a cohort adapts to the load. While fewer than
 * EXACT_LIMIT of a group's records await collection (registered, not yet
 * reported), each record gets a cohort of its own: every collection is
 * reported exactly. Beyond that (a service under load between full GCs, a
 * long synchronous loop), cohorts take up to COHORT_SIZE records each: a
 * registration costs about as much as the rest of an instance's first call
 * together (about 2,500 instructions), and one per record made creating and
 * dropping an instance cost 1.5-1.8x a hand-written `WeakMap<instance, Map>`,
 * and the HTTP pattern 1.2x. EXACT_LIMIT is small for that reason: a service
 * under load runs full GCs often, each of which lets EXACT_LIMIT records per
 * member register on their own again. The price is precision
 * under load: a record that lives on keeps its cohort, so its collected
 * cohort-mates stay counted (at most COHORT_SIZE - 1 per live record).
 * README "How totals are kept" says so.
 *
 * A clear-all starts a new generation: older tallies count no more.
 *
 * Every registration goes to ONE registry that lives as long as the process:
 * on Node 20 (V8 11.3), a FinalizationRegistry collected while it has cleanups
 * pending stops every cleanup in the process, so a registry per group (which
 * goes when its function goes) is not safe.
 */
import type { Tally } from './cache.js';
import type { Observer } from './observe.js';
import type { InstanceRecord, RecordAccounting } from './record.js';
import { keepShapes } from './shapes.js';

/** Records of a group awaiting collection under which each record is reported on its own. */
export const EXACT_LIMIT = 64;
/** Records per cohort beyond EXACT_LIMIT: one registration per this many records. */
export const COHORT_SIZE = 64;

/**
 * The entries a cohort's records hold (small records and the full caches
 * they grew into), counted into its counts' total while it belongs to the
 * current generation (no clear-all since it was made).
 */
class CohortTally implements Tally {
  entries = 0;
  /** Records that joined the cohort. */
  members = 0;
  constructor(
    readonly counts: EntryCounts,
    readonly generation: number,
  ) {}

  add(delta: number): void {
    this.entries += delta;
    if (this.generation === this.counts.generation) this.counts.size += delta;
  }
}

/**
 * What the records of one cohort hold (their `accounting` field), and the
 * registry's target: collected when they all are. Its tally is the held
 * value, which must not point back at it.
 */
class Cohort {
  constructor(readonly tally: CohortTally) {}
}

/**
 * Groups whose current cohort is open to more records. A cohort that stays
 * open keeps its records' entries counted however long they are dead, so
 * every open cohort is let go at the next full GC (the canary's), when its
 * records alone start deciding when it goes.
 */
const openCohorts: EntryCounts[] = [];

/** Held value of the canary: a full GC ran. */
const GC_RAN = 0;

/**
 * The one registry of every group's cohorts (see the module comment), and
 * of the canary: an object held by nothing, collected at the next full GC
 * (a registry's target outlives minor GCs).
 */
const collectedCohorts = new FinalizationRegistry<CohortTally | typeof GC_RAN>((held) => {
  if (held !== GC_RAN) {
    held.counts.collected(held);
    return;
  }
  for (const counts of openCohorts) counts.closeCohort();
  openCohorts.length = 0;
});

function armCanary(): void {
  if (openCohorts.length === 0) collectedCohorts.register({}, GC_RAN);
}

/** The entry counts of one group's records. */
export class EntryCounts implements RecordAccounting {
  /** Entries held by records of the current generation (collected cohorts excluded). */
  size = 0;
  /** The function's observer, when it has option `onEvict` (records report removals to it). */
  observer: Observer | undefined = undefined;
  /** Bumped by clear-all: cohorts of an older generation count no more. */
  generation = 0;
  /** Records in cohorts registered and not reported collected yet (every generation). */
  awaiting = 0;
  /** The cohort new records join (beyond EXACT_LIMIT), until it is full or a full GC runs. */
  private cohort: Cohort | undefined = undefined;
  /** In openCohorts. */
  private listed = false;

  /** A small record's entry count changed: it stores (+1) or drops (-1) its entry. */
  counted(record: InstanceRecord, delta: number): void {
    const tally = ((record.accounting as Cohort | undefined) ?? this.join(record)).tally;
    tally.entries += delta;
    if (tally.generation === this.generation) this.size += delta;
  }

  /** The tally a growing record's full cache counts its entries by: its cohort's. */
  tallyForGrowth(record: InstanceRecord): Tally {
    return ((record.accounting as Cohort | undefined) ?? this.join(record)).tally;
  }

  /** Whether `tally` counts for these counts (a budget's cache: is it one of this group's records?). */
  owns(tally: unknown): boolean {
    return tally instanceof CohortTally && tally.counts === this;
  }

  /** The open cohort takes no more records (see openCohorts). */
  closeCohort(): void {
    this.cohort = undefined;
    this.listed = false;
  }

  /** A clear-all: what was counted counts no more (its records are detached: see scope.ts). */
  clear(): void {
    this.generation++;
    this.size = 0;
    this.cohort = undefined;
  }

  /** Every record of the cohort `tally` counted for was collected. */
  collected(tally: CohortTally): void {
    this.awaiting -= tally.members;
    if (tally.generation === this.generation) this.size -= tally.entries;
  }

  /**
   * A record's first count: it joins the open cohort, or a new one (see
   * `newCohort`). Runs once per record, on every instance's first call, so it
   * is kept small enough for V8 to inline; the rare work is in `newCohort`.
   */
  private join(record: InstanceRecord): Cohort {
    const cohort = this.cohort ?? this.newCohort();
    // A full cohort is let go at once: held by its records alone, it goes when they do.
    if (++cohort.tally.members === COHORT_SIZE) this.cohort = undefined;
    this.awaiting++;
    record.accounting = cohort;
    return cohort;
  }

  /**
   * A cohort for the next record: of its own while few records await
   * collection (not kept open), shared by up to COHORT_SIZE beyond (kept
   * open until full or the next full GC; see the module comment).
   */
  private newCohort(): Cohort {
    const cohort = new Cohort(new CohortTally(this, this.generation));
    collectedCohorts.register(cohort, cohort.tally);
    if (this.awaiting >= EXACT_LIMIT) {
      if (!this.listed) {
        armCanary();
        openCohorts.push(this);
        this.listed = true;
      }
      this.cohort = cohort;
    }
    return cohort;
  }
}

// One cohort kept for the life of the process (see shapes.ts).
keepShapes(new Cohort(new CohortTally(new EntryCounts(), -1)));
