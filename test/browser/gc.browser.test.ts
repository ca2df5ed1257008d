/**
 * A garbage-collection proof in the page: instances whose cached members were
 * used, with results pointing back at them, are collected; a held control is
 * not. GC is forced through the DevTools protocol (no flag needed).
 */
import { describe, expect, it } from 'vitest';
import { cdp } from 'vitest/browser';
import { cached, cacheInfo } from '../../src/index.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

async function collectUntil(done: () => boolean, rounds = 20): Promise<boolean> {
  for (let i = 0; i < rounds && !done(); i++) {
    await tick();
    await cdp().send('HeapProfiler.collectGarbage');
    await tick();
  }
  return done();
}

class Widget {
  constructor(readonly id: number) {}
  @cached
  render(scale: number) {
    return { owner: this, html: `<b>${this.id * scale}</b>` };
  }
  @cached
  get label() {
    return { owner: this, text: `widget ${this.id}` };
  }
}

describe('in the browser, cached members never keep an instance alive', () => {
  it('dropped instances are collected; a held control is not', async () => {
    const finalized = new Set<number>();
    const registry = new FinalizationRegistry<number>((id) => finalized.add(id));
    const refs: WeakRef<Widget>[] = [];
    const control = new Widget(-1);
    control.render(2);
    registry.register(control, -1);
    (function page() {
      for (let i = 0; i < 200; i++) {
        const widget = new Widget(i);
        widget.render(2);
        widget.render(2);
        void widget.label;
        registry.register(widget, i);
        if (i % 20 === 0) refs.push(new WeakRef(widget));
      }
    })();
    const collected = await collectUntil(() => refs.every((ref) => ref.deref() === undefined) && finalized.size >= 10);
    expect(collected).toBe(true);
    expect(finalized.has(-1)).toBe(false);
    expect(cacheInfo(control, 'render')).toEqual({ hits: 0, misses: 1, maxSize: 128, currSize: 1, evictions: 0 });
  });
});
