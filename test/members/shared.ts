/**
 * The shared tier on members, run once per decorator flavour (imported by
 * test/tc39 and test/legacy): a NestJS-style service scoped by tenant, a
 * getter and a static method, each defined twice to stand for two processes
 * over one store.
 */
import { describe, expect, it } from 'vitest';
import { cached, cacheInvalidate } from '../../src/index.js';
import { sharedStats, sharedTier } from '../../src/shared/index.js';
import { MemoryStore, sleep } from '../support/memory-store.js';

/** A service as a NestJS app writes it: dependencies in the constructor, state per request. */
function defineProfileService(store: MemoryStore, computed: string[]) {
  class TenantContext {
    constructor(readonly id: string) {}
  }
  class ProfileService {
    constructor(readonly tenant: TenantContext) {}

    @cached({ ttl: 10_000, scope: (self: ProfileService) => self.tenant.id, shared: sharedTier({ store, namespace: 'profiles', version: 3 }) })
    async profile(userId: number): Promise<{ tenant: string; userId: number; since: Date }> {
      computed.push(`profile ${this.tenant.id}/${userId}`);
      return { tenant: this.tenant.id, userId, since: new Date(Date.UTC(2020, 0, 1)) };
    }

    @cached({ ttl: 10_000, scope: (self: ProfileService) => self.tenant.id, shared: sharedTier({ store, namespace: 'plans' }) })
    get plan(): Promise<string> {
      computed.push(`plan ${this.tenant.id}`);
      return Promise.resolve(`plan of ${this.tenant.id}`);
    }

    @cached({ ttl: 10_000, scope: 'shared', shared: sharedTier({ store, namespace: 'regions' }) })
    static async regions(): Promise<Set<string>> {
      computed.push('regions');
      return new Set(['eu', 'us']);
    }
  }
  return { ProfileService, TenantContext };
}

export function memberSharedSuite(): void {
  describe('option shared on members', () => {
    it('two processes share a tenant-scoped method, a getter and a static; other tenants compute', async () => {
      const store = new MemoryStore();
      const computedA: string[] = [];
      const computedB: string[] = [];
      const a = defineProfileService(store, computedA);
      const b = defineProfileService(store, computedB);

      const inA = new a.ProfileService(new a.TenantContext('acme'));
      expect(await inA.profile(7)).toEqual({ tenant: 'acme', userId: 7, since: new Date(Date.UTC(2020, 0, 1)) });
      expect(await inA.plan).toBe('plan of acme');
      expect(await a.ProfileService.regions()).toEqual(new Set(['eu', 'us']));
      await sleep(5);

      // Another process, a new service object per request, the same tenant: nothing computed.
      const inB = new b.ProfileService(new b.TenantContext('acme'));
      expect(await inB.profile(7)).toEqual({ tenant: 'acme', userId: 7, since: new Date(Date.UTC(2020, 0, 1)) });
      expect(await inB.plan).toBe('plan of acme');
      expect(await b.ProfileService.regions()).toEqual(new Set(['eu', 'us']));
      expect(computedB).toEqual([]);
      expect(sharedStats(b.ProfileService, 'profile')).toMatchObject({ sharedHits: 1, computations: 0 });
      expect(sharedStats(b.ProfileService, 'regions')).toMatchObject({ sharedHits: 1, computations: 0 });

      // Control: another tenant is another key.
      await new b.ProfileService(new b.TenantContext('globex')).profile(7);
      expect(computedB).toEqual(['profile globex/7']);
      expect(store.valueKeys().sort()).toEqual([
        'plans:v0:["acme"]()',
        'profiles:v3:["acme"](n7)',
        'profiles:v3:["globex"](n7)',
        'regions:v0:()',
      ]);

      // Invalidation reaches the shared tier.
      cacheInvalidate(inB, 'profile', 7);
      await sleep(5);
      expect(store.valueKeys()).not.toContain('profiles:v3:profile["acme"](n7)');
    });

    it("the default scope is refused with shared, when the class is defined", () => {
      const store = new MemoryStore();
      expect(() => {
        class Service {
          @cached({ ttl: 1000, shared: sharedTier({ store, namespace: 's' }) })
          async m() {
            return 1;
          }
        }
        return Service;
      }).toThrow("@cached: option 'shared' needs option 'scope' to be a function (self) => key returning a primitive");
    });
  });
}
