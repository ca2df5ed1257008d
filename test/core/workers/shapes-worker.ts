/**
 * Run by shapes.test.ts under `node --trace-deopt`: instances created, given
 * their first cached calls (sync, async, a second key, an object argument)
 * and dropped, with a full GC after each repetition, so that every object of
 * the library's per-instance classes is dead at each GC.
 *
 * The control: ControlRecord, a class of the same kind as a receiver's Cache,
 * allocated by a hot function of this file and never kept. Its code must be
 * discarded at those GCs (V8 drops optimized code that embeds a dead map):
 * that shows the run does provoke what the test looks for.
 */
import { setImmediate as tick } from 'node:timers/promises';
import { cached } from '../../../src/index.js';

class ControlRecord {
  key: unknown = undefined;
  value: unknown = undefined;
  hits = 0;
  constructor(public stamp: number) {}
}
const controls = new WeakMap<object, ControlRecord>();

function controlFirstCall(target: object, n: number): number {
  const record = new ControlRecord(n);
  controls.set(target, record);
  record.key = n;
  record.value = n * 2;
  return record.value as number;
}

class Service {
  constructor(readonly factor: number) {}

  @cached
  price(n: number): number {
    return n * this.factor;
  }

  @cached
  async load(n: number): Promise<number> {
    return n + this.factor;
  }

  @cached
  pair(a: number, b: number): number {
    return a + b * this.factor;
  }

  @cached
  owner(other: object): number {
    return other === this ? this.factor : -1;
  }
}

async function repetition(count: number): Promise<number> {
  let sum = 0;
  for (let i = 0; i < count; i += 10) {
    const pending: Promise<number>[] = [];
    for (let j = 0; j < 10; j++) {
      const service = new Service(i + j);
      sum += service.price(1) + service.pair(1, 2) + service.pair(2, 3) + service.owner(service);
      sum += controlFirstCall(service, j);
      pending.push(service.load(1));
    }
    for (const promise of pending) sum += await promise;
    await tick();
  }
  await tick();
  (globalThis as { gc?: () => void }).gc!();
  await tick();
  return sum;
}

let sum = 0;
for (let round = 0; round < Number(process.argv[2] ?? 8); round++) sum += await repetition(20_000);
console.log(`done ${sum}`);
