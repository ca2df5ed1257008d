/**
 * Property test of the shared tier: random sequences of calls from several
 * "processes" (wrappers over one in-memory store), some concurrent, while the
 * store randomly works, throws, rejects, hangs or lags, and the lock is on or
 * off. Whatever happens:
 * - every call settles, with exactly what the function gives for its key (a
 *   value, or its own rejection): keys of different types never mix, a value
 *   decoded from the store equals the computed one, and a rejection is never
 *   served to a later call;
 * - no call takes longer than its bound (timeoutMs per store step, plus the
 *   computation; plus waitMs when it waited on a lock);
 * - nothing rejects unhandled.
 */
import fc from 'fast-check';
import { afterAll, expect, it } from 'vitest';
import { lruCache } from '../../src/index.js';
import { sharedStats, sharedTier } from '../../src/shared/index.js';
import { MemoryStore, sleep, type Mode } from '../support/memory-store.js';

const RUNS = Number(process.env.SHARED_MODEL_RUNS ?? 25);
const TIMEOUT_MS = 15;
const WAIT_MS = 40;
const COMPUTE_MS = 3;

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
process.on('unhandledRejection', onUnhandled);
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
});

// Keys that must stay distinct in the shared key space (except 0 and -0: one key in both tiers, by
// SameValueZero); the ones in FAILING always reject.
const KEYS: unknown[] = [1, '1', 1n, -0, 0, NaN, undefined, null, true, 'a,b', 'x'.repeat(300), '1n', 'NaN'];
const FAILING = new Set([7, 11]);

/** What the function answers for key number i, as a comparable string (type and value; -0 reads as 0). */
function expected(i: number): string {
  const key = KEYS[i];
  return `${typeof key}:${String(key)}`;
}

type Step =
  | { op: 'call'; proc: number; key: number; together: number }
  | { op: 'mode'; mode: Mode }
  | { op: 'wait'; ms: number }
  | { op: 'clear'; proc: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('call' as const), proc: fc.nat(2), key: fc.nat(KEYS.length - 1), together: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('mode' as const), mode: fc.constantFrom<Mode>('ok', 'ok', 'throw', 'reject', 'hang') }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('wait' as const), ms: fc.integer({ min: 1, max: 30 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('clear' as const), proc: fc.nat(2) }) },
);

it('calls settle correctly and in bounded time whatever the store does', async () => {
  let calls = 0;
  await fc.assert(
    fc.asyncProperty(fc.boolean(), fc.boolean(), fc.array(step, { minLength: 5, maxLength: 40 }), async (withLock, withLatency, steps) => {
      const store = new MemoryStore();
      store.latencyMs = withLatency ? 2 : 0;
      const bodyRuns = [0, 0, 0];
      const callsOf = [0, 0, 0];
      const processes = [0, 1, 2].map((proc) =>
        lruCache(
          async (key: unknown) => {
            bodyRuns[proc]!++;
            await sleep(COMPUTE_MS);
            const i = KEYS.findIndex((k) => [k].includes(key)); // SameValueZero
            if (FAILING.has(i)) throw new Error(`no ${expected(i)}`);
            return { answer: expected(i), when: new Date(0), big: 2n ** 64n };
          },
          {
            ttl: 50,
            maxSize: 4,
            shared: sharedTier({
              store,
              namespace: 'model',
              timeoutMs: TIMEOUT_MS,
              lock: withLock ? { leaseMs: 60, waitMs: WAIT_MS } : undefined,
              breaker: { failures: 3, cooldownMs: 20 },
            }),
          },
        ),
      );
      // Bound of one call: read + (lock acquire + waiting + re-acquire) + compute, each store step <= timeoutMs,
      // plus scheduling slack (this file shares 2 cores with the others; a hang exceeds any bound).
      const slack = 250;
      const bound = withLock ? 3 * TIMEOUT_MS + WAIT_MS + 50 + COMPUTE_MS + slack : TIMEOUT_MS + COMPUTE_MS + slack;
      for (const s of steps) {
        if (s.op === 'mode') store.mode = s.mode;
        else if (s.op === 'wait') await sleep(s.ms);
        else if (s.op === 'clear') processes[s.proc]!.cacheClear();
        else {
          const started = performance.now();
          const outcomes = await Promise.allSettled(Array.from({ length: s.together }, () => processes[s.proc]!(KEYS[s.key])));
          const took = performance.now() - started;
          calls += s.together;
          callsOf[s.proc]! += s.together;
          for (const outcome of outcomes) {
            if (FAILING.has(s.key)) {
              expect(outcome.status).toBe('rejected');
            } else {
              expect(outcome.status).toBe('fulfilled');
              const value = (outcome as PromiseFulfilledResult<{ answer: string; when: Date; big: bigint }>).value;
              expect(value.answer).toBe(expected(s.key));
              expect(value.when).toEqual(new Date(0));
              expect(value.big).toBe(2n ** 64n);
            }
          }
          expect(took).toBeLessThan(bound);
        }
      }
      // The tier's own count of computations is the body's, and never more than the calls made.
      processes.forEach((p, proc) => {
        const stats = sharedStats(p);
        expect(stats.computations).toBe(bodyRuns[proc]);
        expect(stats.computations).toBeLessThanOrEqual(callsOf[proc]!);
      });
      store.mode = 'ok';
      await sleep(TIMEOUT_MS + 5); // background operations end
    }),
    { numRuns: RUNS },
  );
  expect(unhandled).toEqual([]);
  console.log(`shared-tier model: ${RUNS} sequences, ${calls} calls, all settled correctly in bounds`);
}, 120_000);
