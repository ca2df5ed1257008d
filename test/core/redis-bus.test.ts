/**
 * redisBus's own connection follows the client it was given: made at the
 * first subscription, closed when that client ends (so closing your client
 * still lets a process exit). A stand-in node-redis client, no Redis.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { redisBus } from '../../src/redis/index.js';

/** What redisBus uses of a node-redis client, recording what is done to it. */
class FakeClient extends EventEmitter {
  isOpen = true;
  isReady = true;
  destroyed = false;
  duplicates: FakeClient[] = [];
  subscribed: string[] = [];
  sendCommand(): Promise<unknown> {
    return Promise.resolve(1);
  }
  duplicate(): FakeClient {
    const copy = new FakeClient();
    copy.isOpen = false;
    copy.isReady = false;
    this.duplicates.push(copy);
    return copy;
  }
  connect(): Promise<unknown> {
    this.isOpen = this.isReady = true;
    queueMicrotask(() => this.emit('ready'));
    return Promise.resolve(this);
  }
  subscribe(channel: string): Promise<unknown> {
    this.subscribed.push(channel);
    return Promise.resolve();
  }
  destroy(): void {
    this.destroyed = true;
  }
}

describe('redisBus: its subscriber connection', () => {
  it('is made at the first subscription, subscribes once ready, and closes when the given client ends', async () => {
    const client = new FakeClient();
    const bus = redisBus(client);
    expect(client.duplicates).toHaveLength(0);
    bus.subscribe('a', () => {});
    bus.subscribe('b', () => {});
    expect(client.duplicates).toHaveLength(1);
    const subscriber = client.duplicates[0]!;
    await new Promise((resolve) => setImmediate(resolve));
    expect(subscriber.subscribed).toEqual(['a', 'b']);
    expect(subscriber.destroyed).toBe(false); // the control: open while the client is
    client.emit('end');
    expect(subscriber.destroyed).toBe(true);
    expect(client.destroyed).toBe(false); // the client itself is yours
  });
});
