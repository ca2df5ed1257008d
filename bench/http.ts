/**
 * The HTTP pattern: a node:http server on loopback creating a service object
 * per request and calling its members (examples/http-service.ts), driven by
 * autocannon (bounded request count, 127.0.0.1 only), for no cache, the
 * hand-written WeakMap floor, a naive module-level memoizer, and @cached;
 * and handler functions with scope 'request' beside their own floor (the same
 * functions uncached in a bare AsyncLocalStorage context: the price of a
 * request context on Node 20, which turns on promise hooks).
 *
 * Each variant's server runs in child processes (bench/http-server.ts, two
 * per variant, rounds alternating between them), so client CPU is not mixed
 * into server time; the servers run side by side
 * and are driven in turns, one short interval each (about 0.1 s), the order
 * rotating every round, so bursts of load on the machine fall on all of them
 * alike. Reports requests/s (median over the measured intervals), p99
 * latency, server CPU per request (the child's cpuUsage over the measured
 * intervals), and, in an untimed phase after them, heap after GC every
 * `perHeapSample` requests.
 */
import autocannon from 'autocannon';
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { ServiceMode } from '../examples/http-service.js';
import { progress, quick, selected, type Row, type ScenarioResult } from './harness.js';
import type { ServerCommand } from './http-server.js';
import { benchExecArgv } from './fresh.js';

export interface HttpRun {
  mode: ServiceMode;
  /** Heap after GC (MB) after the timed intervals, then after every `perHeapSample` further requests. */
  heapMb: number[];
  /** Requests per second of each measured interval. */
  rates: number[];
  requestsPerSecond: number;
  p99Ms: number;
  cpuUsPerRequest: number;
  requests: number;
  errors: number;
  non2xx: number;
  naiveInstancesHeld: number;
}

export interface HttpResult {
  scenario: ScenarioResult;
  runs: HttpRun[];
  /** Requests per variant between two heap samples. */
  perHeapSample: number;
}

/** Rows in table order; the WeakMap floor is the row the others are compared to. */
export const httpModes = ['none', 'weakmap', 'naive', 'cached', 'context', 'request'] as const satisfies readonly ServiceMode[];
export const httpLabels: Record<ServiceMode, string> = {
  none: 'no cache',
  weakmap: 'floor: WeakMap<instance, Map> per member',
  naive: 'naive module-level memoizer',
  cached: 'lru-memo @cached',
  context: 'floor of request scope: no cache, a bare AsyncLocalStorage.run per request',
  request: "lru-memo scope: 'request' (handler functions, no service object)",
};

interface Server {
  port: number;
  ask<T>(cmd: ServerCommand): Promise<T>;
  stop(): Promise<void>;
}

/** Forks bench/http-server.ts; resolves once it prints its port, however long that takes; rejects if it exits first. */
async function startServer(mode: ServiceMode): Promise<Server> {
  const child: ChildProcess = fork(fileURLToPath(new URL('./http-server.ts', import.meta.url)), [mode], {
    execArgv: [...benchExecArgv],
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const exited = (what: string) => new Error(`bench: HTTP server (${mode}) exited ${what} (code ${child.exitCode}, signal ${child.signalCode})`);
  const port = await new Promise<number>((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /^port (\d+)$/m.exec(output);
      if (match === null) return;
      child.stdout!.off('data', onData);
      child.off('exit', onExit);
      child.stdout!.resume(); // anything printed later is dropped, never left to fill the pipe
      resolve(Number(match[1]));
    };
    const onExit = () => reject(exited('before listening'));
    child.stdout!.on('data', onData);
    child.once('exit', onExit);
  });
  return {
    port,
    ask: <T>(cmd: ServerCommand) =>
      new Promise<T>((resolve, reject) => {
        const onMessage = (message: { cmd: ServerCommand; value: T }) => {
          if (message.cmd !== cmd) return;
          child.off('message', onMessage);
          child.off('exit', onExit);
          resolve(message.value);
        };
        const onExit = () => reject(exited(`while answering '${cmd}'`));
        child.on('message', onMessage);
        child.once('exit', onExit);
        child.send({ cmd });
      }),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exit = once(child, 'exit');
      child.disconnect(); // the server closes and exits when its IPC channel closes
      await exit;
    },
  };
}

const paths = ['/quote?sku=widget&region=eu', '/quote?sku=gadget&region=us', '/quote?sku=thing&region=jp'];

/**
 * Checks every variant's answers before the load: the same requests, in the
 * same order, to each fresh server (so the same request ids) must get the
 * bodies the uncached service gives. Prices depend on the request's instance,
 * so a variant that shared results across instances would differ.
 */
async function checkAnswers(servers: Server[], modes: readonly ServiceMode[]): Promise<void> {
  const bodies = await Promise.all(
    servers.map(async (server) => {
      const got: string[] = [];
      // Each path twice in a row: consecutive request ids, so different prices for the same path.
      for (let i = 0; i < 4 * paths.length; i++) {
        const path = paths[Math.floor(i / 2) % paths.length]!;
        got.push(await (await fetch(`http://127.0.0.1:${server.port}${path}`)).text());
      }
      return got;
    }),
  );
  const expected = bodies[modes.indexOf('none')]!;
  if (new Set(expected).size <= paths.length) throw new Error('bench: HTTP answers do not depend on the instance: the check would see nothing');
  for (const [index, got] of bodies.entries()) {
    const wrong = got.findIndex((body, i) => body !== expected[i]);
    if (wrong !== -1) throw new Error(`bench: HTTP ${modes[index]} answered ${got[wrong]} to request ${wrong}; expected ${expected[wrong]}`);
  }
}

/** `amount` requests on 10 connections, cycling through `paths`. */
function load(server: Server, amount: number): Promise<autocannon.Result> & autocannon.Instance {
  // The promise autocannon returns is also its event emitter (the typings give only the promise).
  return autocannon({
    url: `http://127.0.0.1:${server.port}`,
    connections: 10,
    amount,
    sampleInt: 100, // it notices the last response at its next sample: every 100 ms, not every second
    requests: paths.map((path) => ({ path })),
  }) as Promise<autocannon.Result> & autocannon.Instance;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * A variant's requests/s relative to the floor's: the median, over rounds, of
 * the two rates measured in the same round (less than a second apart), so a
 * burst of load on the machine that spans a round slows both sides of its
 * ratio rather than one side of the medians' ratio.
 */
const pairedRatio = (rates: number[], floorRates: number[]) => median(rates.map((rate, round) => rate / floorRates[round]!));

export async function httpScenario(): Promise<HttpResult | undefined> {
  const title = 'HTTP: a service object per request (server in a child process, autocannon on loopback)';
  if (!selected(title)) return undefined;
  // Short intervals, many rounds: six rounds of 10,000 requests (0.5 s each) let a burst of load fall on one
  // variant and not the next, and @cached's ratio to the floor read 0.69x-1.02x in full runs of the same code.
  const intervals = quick ? 1 : 36;
  const perInterval = 2_000;
  const warmUp = quick ? 2_000 : 10_000;
  // The heap is sampled in a phase of its own, after the timed one: a sample's forced full GCs (four in a row)
  // shrink the heap and the WeakMaps' tables, and the requests after them paid for regrowing them (with samples
  // between timed intervals, every variant's server CPU per request rose, @cached's more than the floor's:
  // 0.83x-0.94x the floor's requests/s that way, 0.96x-1.00x without). A service never forces a GC.
  const heapSamples = quick ? 1 : 5;
  const perHeapSample = quick ? 2_000 : 10_000;
  progress(
    `${title}: ${intervals} x ${perInterval.toLocaleString('en-US')} requests after a warm-up, per variant, variants in turns; ` +
      `then heap after GC every ${perHeapSample.toLocaleString('en-US')} requests`,
  );
  // Each variant runs in `processes` server processes, the rounds alternating between them: V8's heap decisions
  // (which allocation sites it pretenures, for one) differ between processes of the same code, and moved
  // @cached's CPU per request by about 1.5x between processes of an in-process micro-benchmark of this service;
  // with one process per variant, that process's luck decided the variant's figure.
  const processes = quick ? 1 : 2;
  const modes = httpModes.flatMap((mode) => Array.from({ length: processes }, () => mode));
  const starting = await Promise.allSettled(modes.map(startServer));
  const started = starting.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failed = starting.find((result) => result.status === 'rejected');
  if (failed !== undefined) {
    await Promise.all(started.map((server) => server.stop()));
    throw failed.reason;
  }
  /** servers[variant][process] */
  const servers = httpModes.map((_, index) => started.slice(index * processes, (index + 1) * processes));
  const runs: HttpRun[] = httpModes.map((mode) => ({
    mode,
    heapMb: [],
    rates: [],
    requestsPerSecond: 0,
    p99Ms: 0,
    cpuUsPerRequest: 0,
    requests: 0,
    errors: 0,
    non2xx: 0,
    naiveInstancesHeld: 0,
  }));
  const cpuUs = runs.map(() => 0);
  const checked = (run: HttpRun, result: autocannon.Result) => {
    run.errors += result.errors + result.timeouts;
    run.non2xx += result.non2xx;
  };
  try {
    await checkAnswers(started, modes);
    for (const [index, server] of started.entries()) checked(runs[Math.floor(index / processes)]!, await load(server, warmUp));
    for (let interval = 0; interval < intervals; interval++) {
      for (let turn = 0; turn < servers.length; turn++) {
        const index = (turn + interval) % servers.length; // rotate: no variant always follows the same one
        const [server, run] = [servers[index]![interval % processes]!, runs[index]!];
        const cpuBefore = await server.ask<NodeJS.CpuUsage>('cpu');
        const started = performance.now();
        let lastResponse = started;
        const job = load(server, perInterval);
        // Timed to the last response: with `amount`, autocannon resolves only at its next sample tick
        // (by default each second), so timing the promise would round every interval up to a whole tick.
        job.on('response', () => {
          lastResponse = performance.now();
        });
        const result = await job;
        const seconds = (lastResponse - started) / 1000;
        const cpuAfter = await server.ask<NodeJS.CpuUsage>('cpu');
        checked(run, result);
        run.rates.push(result.requests.total / seconds);
        run.requests += result.requests.total;
        run.p99Ms = Math.max(run.p99Ms, result.latency.p99);
        cpuUs[index]! += cpuAfter.user - cpuBefore.user + (cpuAfter.system - cpuBefore.system);
      }
    }
    // Heap after GC, then after every perHeapSample further requests (untimed), in each variant's first process.
    for (const [index, [server]] of servers.entries()) {
      const run = runs[index]!;
      run.heapMb.push(await server!.ask<number>('heap'));
      for (let sample = 0; sample < heapSamples; sample++) {
        checked(run, await load(server!, perHeapSample));
        run.heapMb.push(await server!.ask<number>('heap'));
      }
    }
    for (const [index, run] of runs.entries()) {
      if (run.errors + run.non2xx > 0) throw new Error(`bench: HTTP ${run.mode}: ${run.errors} errors, ${run.non2xx} non-2xx`);
      run.requestsPerSecond = Math.round(median(run.rates));
      run.cpuUsPerRequest = cpuUs[index]! / run.requests;
      for (const server of servers[index]!) run.naiveInstancesHeld += await server.ask<number>('held');
      progress(
        `  ${run.mode}: ${run.requestsPerSecond} req/s, p99 ${run.p99Ms} ms, ${run.cpuUsPerRequest.toFixed(0)} µs server CPU/request, heap growth ${(run.heapMb.at(-1)! - run.heapMb[0]!).toFixed(1)} MB`,
      );
    }
  } finally {
    await Promise.all(started.map((server) => server.stop()));
  }
  const naive = runs.find((run) => run.mode === 'naive')!;
  if (naive.naiveInstancesHeld < naive.requests) {
    throw new Error(`bench: the naive control holds ${naive.naiveInstancesHeld} instances after ${naive.requests} requests: it should hold every one`);
  }
  const floor = runs.find((run) => run.mode === 'weakmap')!;
  const none = runs.find((run) => run.mode === 'none')!;
  const context = runs.find((run) => run.mode === 'context')!;
  const rows: Row[] = runs.map((run) => ({
    name: httpLabels[run.mode],
    nsPerOp: run.requestsPerSecond,
    ratio: pairedRatio(run.rates, floor.rates),
    floor: run === floor,
    extra: [
      `range ${Math.round(Math.min(...run.rates))}–${Math.round(Math.max(...run.rates))} requests/s`,
      `p99 ${run.p99Ms} ms`,
      `server CPU ${run.cpuUsPerRequest.toFixed(0)} µs/request`,
      `heap after GC ${run.heapMb.map((mb) => mb.toFixed(1)).join(' → ')} MB (growth ${(run.heapMb.at(-1)! - run.heapMb[0]!).toFixed(1)} MB)`,
      ...(run.mode === 'naive' ? [`holds ${run.naiveInstancesHeld.toLocaleString('en-US')} instances`] : []),
      ...(run.mode === 'request' || run.mode === 'context' ? [`${pairedRatio(run.rates, none.rates).toFixed(2)}x no cache`] : []),
      ...(run.mode === 'request' ? [`${pairedRatio(run.rates, context.rates).toFixed(2)}x its floor`] : []),
    ].join('; '),
  }));
  return {
    scenario: {
      title,
      unit: 'requests per second',
      rows,
      target:
        `lru-memo @cached >= 0.95x the floor's requests/s; scope 'request' >= 0.95x no cache, shown beside its own floor (each variant: ${processes} server process${processes === 1 ? '' : 'es'}, median over ${intervals} intervals of ${perInterval.toLocaleString('en-US')} requests, the processes taking rounds in turns, after ${warmUp.toLocaleString('en-US')} untimed requests each, variants in turns; ratios: the median of the ${intervals} rounds' own ratios); ` +
        `then, untimed (a sample forces full GCs), heap after GC in each variant's first process, then after every ${perHeapSample.toLocaleString('en-US')} further requests: @cached and the floor stay flat, the naive memoizer grows with every request (its instances are never collected)`,
    },
    runs,
    perHeapSample,
  };
}
