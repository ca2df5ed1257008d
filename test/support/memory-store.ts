/**
 * An in-memory SharedStore for unit tests, standing in for Redis: entries
 * expire, the lock is set-if-absent with compare-and-delete, and every
 * operation can be made to fail, hang or lag, so each failure path of the
 * shared tier can be driven deterministically. Real Redis is tested in
 * test/redis.
 */
import type { SharedStore } from '../../src/shared/index.js';

export type Mode = 'ok' | 'throw' | 'reject' | 'hang';

export class MemoryStore implements Required<SharedStore> {
  readonly entries = new Map<string, { value: string; expiresAt: number }>();
  readonly log: string[] = [];
  mode: Mode = 'ok';
  /** Operations this store was asked to run, per operation. */
  readonly calls = { get: 0, set: 0, delete: 0, acquire: 0, release: 0 };
  /** Delay added to every answered operation, in ms. */
  latencyMs = 0;
  /** What `ready()` answers: false plays a client that is not connected. */
  online = true;

  ready(): boolean {
    return this.online;
  }

  private async answer<T>(operation: keyof MemoryStore['calls'], key: string, run: () => T): Promise<T> {
    this.calls[operation]++;
    this.log.push(`${operation} ${key}`);
    if (this.mode === 'throw') throw new Error(`store down (${operation})`);
    if (this.mode === 'hang') return new Promise<T>(() => {});
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    if (this.mode === 'reject') throw new Error(`store refused (${operation})`);
    return run();
  }

  private live(key: string): string | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  get(key: string): Promise<string | undefined> {
    return this.answer('get', key, () => this.live(key));
  }

  set(key: string, value: string, ttlMs: number): Promise<void> {
    return this.answer('set', key, () => void this.entries.set(key, { value, expiresAt: Date.now() + ttlMs }));
  }

  delete(key: string): Promise<boolean> {
    return this.answer('delete', key, () => this.entries.delete(key));
  }

  acquire(key: string, token: string, leaseMs: number): Promise<boolean> {
    return this.answer('acquire', key, () => {
      if (this.live(key) !== undefined) return false;
      this.entries.set(key, { value: token, expiresAt: Date.now() + leaseMs });
      return true;
    });
  }

  release(key: string, token: string): Promise<boolean> {
    return this.answer('release', key, () => this.live(key) === token && this.entries.delete(key));
  }

  /** Value keys (locks excluded). */
  valueKeys(): string[] {
    return [...this.entries.keys()].filter((key) => !key.endsWith('~lock') && this.live(key) !== undefined);
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
