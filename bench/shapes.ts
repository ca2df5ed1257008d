/**
 * The two program shapes every per-instance measure is reported in.
 *
 * lru-memo accounts per-instance records differently depending on how a
 * program creates instances: once one task (macrotask) has registered more
 * than 1024 records, later ones are accounted in batches, which is cheaper.
 * A measure that creates every instance in one synchronous loop therefore
 * flatters it; a service creates a few instances per request, one request per
 * task. So each per-instance measure runs in both shapes, with the same
 * contenders, each shape in its own table with its own floor row:
 * - 'loop': all instances created in one synchronous loop;
 * - 'tasks': 10 instances per task, a setImmediate turn between tasks.
 */
import { setImmediate as tick } from 'node:timers/promises';

export type Shape = 'loop' | 'tasks';
export const shapes: readonly Shape[] = ['loop', 'tasks'];

/** Instances created per task in the 'tasks' shape. */
export const PER_TASK = 10;

/** How each shape is named in table titles (outside parentheses: svg.ts slugs drop parenthesised text). */
export const shapeTitle: Record<Shape, string> = {
  loop: 'one synchronous loop',
  tasks: `${PER_TASK} instances per task`,
};

/** Calls `each(i)` for i < count: in one synchronous loop, or yielding a task turn every PER_TASK calls. */
export async function inShape(shape: Shape, count: number, each: (i: number) => void): Promise<void> {
  if (shape === 'loop') {
    for (let i = 0; i < count; i++) each(i);
    return;
  }
  for (let i = 0; i < count; i++) {
    each(i);
    if (i % PER_TASK === PER_TASK - 1) await tick();
  }
}
