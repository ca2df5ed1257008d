/**
 * The HTTP scenario's server, in a process of its own so that the load
 * generator (autocannon, in the bench process) does not share its CPU time or
 * heap. Starts examples/http-service.ts in the mode given as argument on a
 * free loopback port, prints `port <n>` on stdout, then answers IPC messages:
 * - { cmd: 'heap' }: heap used after full GCs, in MB;
 * - { cmd: 'cpu' }: this process's process.cpuUsage() totals, in µs;
 * - { cmd: 'held' }: instances the naive variant holds.
 * It closes and exits when the IPC channel closes (the bench process
 * disconnects, or exits).
 *
 *   node --expose-gc --import tsx --import ./bench/built.mjs bench/http-server.ts <none|weakmap|naive|cached|context|request>
 */
import { setImmediate as tick } from 'node:timers/promises';
import { naiveInstancesHeld, startService, type ServiceMode } from '../examples/http-service.js';

export type ServerCommand = 'heap' | 'cpu' | 'held';

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined || process.send === undefined) throw new Error('bench: start with fork() and node --expose-gc');
const send = process.send.bind(process);

async function heapAfterGcMb(): Promise<number> {
  for (let i = 0; i < 4; i++) {
    await tick();
    gc!();
  }
  return process.memoryUsage().heapUsed / 2 ** 20;
}

const mode = process.argv[2] as ServiceMode;
const service = await startService({ mode });

process.on('message', (message: { cmd: ServerCommand }) => {
  const answer = async (): Promise<unknown> => {
    switch (message.cmd) {
      case 'heap':
        return heapAfterGcMb();
      case 'cpu':
        return process.cpuUsage();
      case 'held':
        return naiveInstancesHeld();
    }
  };
  void answer().then((value) => send({ cmd: message.cmd, value }));
});
process.on('disconnect', () => {
  void service.close().then(() => process.exit(0));
});
console.log(`port ${service.port}`);
