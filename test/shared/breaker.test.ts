/**
 * Unit tests of the store circuit breaker (src/shared/breaker.ts). It reads
 * the clock with Date.now() only, so fake timers drive it with
 * vi.setSystemTime / vi.advanceTimersByTime; nothing here waits for real.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Breaker } from '../../src/shared/breaker.js';

const COOLDOWN_MS = 1000;

let changes: boolean[];

function breaker(threshold: number, cooldownMs = COOLDOWN_MS): Breaker {
  return new Breaker(threshold, cooldownMs, (open) => changes.push(open));
}

function fail(b: Breaker, times: number): void {
  for (let i = 0; i < times; i++) b.failed();
}

/** Opens `b` (threshold `n`) and checks it did. */
function open(b: Breaker, n: number): void {
  fail(b, n);
  expect(b.isOpen).toBe(true);
  expect(b.allows()).toBe(false);
}

beforeEach(() => {
  changes = [];
  vi.useFakeTimers({ toFake: ['Date'], now: new Date('2030-01-01T00:00:00Z') });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('Breaker', () => {
  it('starts closed: operations are allowed and nothing is reported', () => {
    const b = breaker(3);
    expect(b.isOpen).toBe(false);
    expect(b.allows()).toBe(true);
    expect(b.allows()).toBe(true);
    expect(changes).toStrictEqual([]);
  });

  it.each([1, 2, 3, 5])('opens after exactly %i failures in a row, reporting changed(true) once', (n) => {
    const b = breaker(n);
    for (let i = 1; i < n; i++) {
      b.failed();
      expect(b.isOpen).toBe(false);
      expect(b.allows()).toBe(true);
    }
    expect(changes).toStrictEqual([]);
    b.failed();
    expect(b.isOpen).toBe(true);
    expect(b.allows()).toBe(false);
    expect(changes).toStrictEqual([true]);
  });

  it('a success resets the run of failures', () => {
    const b = breaker(3);
    fail(b, 2);
    b.succeeded();
    fail(b, 2);
    expect(b.isOpen).toBe(false);
    expect(b.allows()).toBe(true);
    b.succeeded();
    fail(b, 2);
    expect(b.isOpen).toBe(false);
    b.failed();
    expect(b.isOpen).toBe(true);
    expect(changes).toStrictEqual([true]);
  });

  it('a success while closed reports nothing', () => {
    const b = breaker(2);
    b.succeeded();
    b.failed();
    b.succeeded();
    expect(changes).toStrictEqual([]);
  });

  it('stays open for the whole cooldown, then lets one probe through', () => {
    const b = breaker(2);
    open(b, 2);
    vi.advanceTimersByTime(COOLDOWN_MS - 1);
    expect(b.allows()).toBe(false);
    expect(b.isOpen).toBe(true);
    vi.advanceTimersByTime(1);
    expect(b.allows()).toBe(true); // the probe
    expect(b.isOpen).toBe(true); // half open is still open until the probe succeeds
    expect(changes).toStrictEqual([true]);
  });

  it('late failures while open are not new openings', () => {
    const b = breaker(2);
    open(b, 2);
    fail(b, 3); // operations that were already in flight
    expect(changes).toStrictEqual([true]);
    expect(b.allows()).toBe(false);
  });

  it('half open: exactly one probe; concurrent callers are refused while it is out', () => {
    const b = breaker(2);
    open(b, 2);
    vi.advanceTimersByTime(COOLDOWN_MS);
    expect(b.allows()).toBe(true);
    const others = Array.from({ length: 10 }, () => b.allows());
    expect(others).toStrictEqual(Array<boolean>(10).fill(false));
    // However long the probe takes.
    vi.advanceTimersByTime(COOLDOWN_MS * 10);
    expect(b.allows()).toBe(false);
  });

  it('a probe success closes the breaker (changed(false)) and everyone is allowed again', () => {
    const b = breaker(2);
    open(b, 2);
    vi.advanceTimersByTime(COOLDOWN_MS);
    expect(b.allows()).toBe(true);
    b.succeeded();
    expect(changes).toStrictEqual([true, false]);
    expect(b.isOpen).toBe(false);
    expect([b.allows(), b.allows(), b.allows()]).toStrictEqual([true, true, true]);
    // And the count starts again from zero.
    b.failed();
    expect(b.isOpen).toBe(false);
    b.failed();
    expect(b.isOpen).toBe(true);
    expect(changes).toStrictEqual([true, false, true]);
  });

  it('a probe failure re-opens the breaker (changed(true)) for a new cooldown from the failure', () => {
    const b = breaker(2);
    open(b, 2);
    vi.advanceTimersByTime(COOLDOWN_MS);
    expect(b.allows()).toBe(true);
    vi.advanceTimersByTime(300); // the probe takes a while, then fails
    b.failed();
    expect(changes).toStrictEqual([true, true]);
    expect(b.isOpen).toBe(true);
    expect(b.allows()).toBe(false);
    vi.advanceTimersByTime(COOLDOWN_MS - 1);
    expect(b.allows()).toBe(false);
    vi.advanceTimersByTime(1);
    expect(b.allows()).toBe(true); // the next probe
    expect(b.allows()).toBe(false);
    b.succeeded();
    expect(changes).toStrictEqual([true, true, false]);
  });

  it('each failed probe reports one re-opening; a late failure in between reports none', () => {
    const b = breaker(1);
    open(b, 1);
    for (let round = 0; round < 3; round++) {
      vi.advanceTimersByTime(COOLDOWN_MS);
      expect(b.allows()).toBe(true);
      b.failed();
    }
    expect(changes).toStrictEqual([true, true, true, true]);
    b.failed(); // not a probe
    expect(changes).toStrictEqual([true, true, true, true]);
  });

  it('uses the cooldown it was given', () => {
    const b = breaker(1, 50);
    open(b, 1);
    vi.advanceTimersByTime(49);
    expect(b.allows()).toBe(false);
    vi.advanceTimersByTime(1);
    expect(b.allows()).toBe(true);
  });
});
