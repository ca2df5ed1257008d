/**
 * A private redis-server for a test file, the benchmark or the demo: a free
 * loopback port, no persistence, a temp dir, killed at stop() or when this
 * process exits. Tests can also SIGKILL it, freeze it with SIGSTOP and thaw
 * it, and start it again on the same port.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The redis-server binary, or undefined when none is installed. */
export function findRedisServer(): string | undefined {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  const path = found.stdout.trim();
  return found.status === 0 && path !== '' ? path : undefined;
}

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** One PING over a raw socket: true when the server answers +PONG within `ms`. */
function ping(port: number, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), ms);
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

export class RedisServer {
  private process: ChildProcess | undefined;
  private readonly dir = mkdtempSync(join(tmpdir(), 'lru-memo-redis-'));

  private constructor(
    readonly binary: string,
    readonly port: number,
    /** More redis-server arguments (cluster mode). */
    private readonly extraArgs: readonly string[] = [],
  ) {}

  static async start(binary = findRedisServer()): Promise<RedisServer> {
    const server = await RedisServer.reserve(binary);
    await server.launch();
    return server;
  }

  /** A server on a free port that is not started yet (`launch()` starts it): Redis down at boot. */
  static async reserve(binary = findRedisServer(), extraArgs: readonly string[] = [], port?: number): Promise<RedisServer> {
    if (binary === undefined) throw new Error('redis-server is not installed');
    return new RedisServer(binary, port ?? (await freePort()), extraArgs);
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get pid(): number {
    return this.process!.pid!;
  }

  /** Starts (again) on the same port and waits for PING. */
  async launch(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir, ...this.extraArgs];
    const child = spawn(this.binary, args, { stdio: 'ignore' });
    this.process = child;
    // If this process exits without stop() (a crash, a killed test run), take the server along.
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    child.once('exit', () => process.off('exit', killOnExit));
    // No deadline: a start-up on a loaded machine takes what it takes (a caller's own timeout is the backstop);
    // a server that exits (a port taken meanwhile, a bad binary) ends the wait at once.
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`redis-server exited (${child.signalCode ?? child.exitCode}) before answering PING on port ${this.port}`);
      }
      if (await ping(this.port, 200)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** SIGKILL, and wait until it is gone. */
  async kill(): Promise<void> {
    const child = this.process;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  freeze(): void {
    this.process!.kill('SIGSTOP');
  }

  thaw(): void {
    this.process!.kill('SIGCONT');
  }

  async stop(): Promise<void> {
    if (this.process !== undefined && this.process.signalCode === null && this.process.exitCode === null) {
      this.thaw(); // a frozen server would not die on SIGKILL's exit wait otherwise
    }
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A port nobody listens on whose cluster bus port (port + 10000) is free too. */
async function freeClusterPort(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port + 10_000 > 65_535) continue;
    const probe = createServer();
    const free = await new Promise<boolean>((resolve) => {
      probe.once('error', () => resolve(false));
      probe.listen(port + 10_000, '127.0.0.1', () => probe.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

/** Runs redis-cli with `args`; resolves with its output, rejects when it fails. */
function redisCli(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('redis-cli', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(output) : reject(new Error(`redis-cli ${args.join(' ')}: ${output}`))));
  });
}

/**
 * A private Redis Cluster of `size` masters on loopback (no replicas), made
 * with `redis-cli --cluster create`, for the cluster tests. No deadline on
 * start-up: it waits until every node reports cluster_state:ok.
 */
export class RedisCluster {
  private constructor(readonly servers: RedisServer[]) {}

  static async start(size = 3): Promise<RedisCluster> {
    const servers: RedisServer[] = [];
    for (let i = 0; i < size; i++) {
      const port = await freeClusterPort();
      servers.push(await RedisServer.reserve(undefined, ['--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`], port));
    }
    const cluster = new RedisCluster(servers);
    try {
      await Promise.all(servers.map((server) => server.launch()));
      await redisCli(['--cluster', 'create', ...servers.map((server) => `127.0.0.1:${server.port}`), '--cluster-replicas', '0', '--cluster-yes']);
      for (const server of servers) {
        while (!(await redisCli(['-p', String(server.port), 'cluster', 'info'])).includes('cluster_state:ok')) {
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  /** The nodes, as clients take them. */
  get nodes(): { host: string; port: number }[] {
    return this.servers.map((server) => ({ host: '127.0.0.1', port: server.port }));
  }

  async stop(): Promise<void> {
    await Promise.all(this.servers.map((server) => server.stop()));
  }
}
