/**
 * The HTTP soak at reduced size (20,000 requests), in CI. The naive variant
 * is the control: the same measurement must see it leak, or the test proves
 * nothing.
 */
import { describe, expect, it } from 'vitest';
import { soak } from '../../scripts/soak-run.js';

describe('HTTP soak: a service object per request, cached members', () => {
  it('20,000 requests: no failures, heap growth after warm-up under 8 MB; the naive memoizer grows past it', async () => {
    const cachedRun = await soak({ requests: 20_000, mode: 'cached' });
    expect(cachedRun.errors + cachedRun.non2xx).toBe(0);
    expect(cachedRun.requests).toBeGreaterThanOrEqual(20_000);
    expect(cachedRun.growthMb).toBeLessThan(8);

    const naiveRun = await soak({ requests: 20_000, mode: 'naive' });
    expect(naiveRun.errors + naiveRun.non2xx).toBe(0);
    expect(naiveRun.naiveInstancesHeld).toBeGreaterThanOrEqual(20_000);
    expect(naiveRun.growthMb).toBeGreaterThan(8);
  }, 180_000);
});
