/**
 * scope 'request' on members, run once per decorator flavour (imported by
 * test/tc39 and test/legacy): a singleton service (one instance for the
 * process, as a NestJS provider is) memoizing per request, with a method, an
 * async method, a getter and a static method.
 */
import { setImmediate as tick } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { cached, cacheClear, cacheInfo, cacheInvalidate, type CachedFunction } from '../../src/index.js';
import { requestStats, runInRequest } from '../../src/request/index.js';

export function memberRequestSuite(): void {
  describe("scope 'request' on members", () => {
    function defineService() {
      const computed: string[] = [];
      class UserService {
        @cached({ scope: 'request' })
        user(id: number) {
          computed.push(`user ${id}`);
          return { id };
        }

        @cached({ scope: 'request' })
        async permissions(id: number) {
          computed.push(`permissions ${id}`);
          await tick();
          return [`read:${id}`];
        }

        @cached({ scope: 'request' })
        get settings() {
          computed.push('settings');
          return { theme: 'dark' };
        }

        @cached({ scope: 'request' })
        static config(name: string) {
          computed.push(`config ${name}`);
          return { name };
        }
      }
      return { UserService, computed };
    }

    it('a singleton service computes once per request for each member, and again in the next request', async () => {
      const { UserService, computed } = defineService();
      const service = new UserService(); // one instance for the whole process
      const handle = () =>
        runInRequest(async () => {
          const user = service.user(1);
          const [permissions, again] = await Promise.all([service.permissions(1), service.permissions(1)]);
          expect(again).toBe(permissions);
          expect(service.user(1)).toBe(user);
          expect(service.settings).toBe(service.settings);
          expect(UserService.config('a')).toBe(UserService.config('a'));
          return user;
        });
      const first = await handle();
      const second = await handle();
      expect(second).not.toBe(first);
      expect(computed).toEqual([
        'user 1', 'permissions 1', 'settings', 'config a',
        'user 1', 'permissions 1', 'settings', 'config a',
      ]);
      const user = UserService.prototype.user as CachedFunction<(id: number) => { id: number }>;
      expect(requestStats(user)).toEqual({ requests: 2, outside: 0 });
      expect(user.cacheInfo()).toMatchObject({ hits: 2, misses: 2 });
    });

    it('two instances in one request share that request\'s cache (the request, not the instance, is the scope)', () => {
      const { UserService, computed } = defineService();
      runInRequest(() => {
        expect(new UserService().user(1)).toBe(new UserService().user(1));
      });
      expect(computed).toEqual(['user 1']);
    });

    it('outside a request a member runs uncached; introspection by instance answers for the current request', () => {
      const { UserService, computed } = defineService();
      const service = new UserService();
      expect(service.user(1)).not.toBe(service.user(1));
      expect(cacheInfo(service, 'user')).toEqual({ hits: 0, misses: 0, maxSize: 128, currSize: 0, evictions: 0 });
      runInRequest(() => {
        service.user(1);
        service.user(1);
        expect(cacheInfo(service, 'user')).toEqual({ hits: 1, misses: 1, maxSize: 128, currSize: 1, evictions: 0 });
        expect(cacheInvalidate(service, 'user', 1)).toBe(true);
        service.user(1);
        cacheClear(service);
        service.user(1);
      });
      expect(computed).toEqual(['user 1', 'user 1', 'user 1', 'user 1', 'user 1']);
      // Two request caches: the request's first, and the one it made after cacheClear dropped that.
      expect(requestStats(UserService.prototype.user)).toEqual({ requests: 2, outside: 2 });
    });
  });
}
