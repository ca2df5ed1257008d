// npm run test:stress: the model-based tests at full size (over a million
// operations; the test prints "model operations: N, divergences: D"), and
// the shared tier's property test over 500 random sequences, and the
// cross-process lock 20 times (8 processes on a cold key, computed once).
import { spawnSync } from 'node:child_process';

const runs = process.env.MODEL_RUNS ?? '7000';
const result = spawnSync('npx', ['vitest', 'run', '--project', 'model'], {
  stdio: 'inherit',
  env: {
    ...process.env,
    MODEL_RUNS: runs,
    MODEL_COMMANDS: process.env.MODEL_COMMANDS ?? '60',
    SHARED_MODEL_RUNS: process.env.SHARED_MODEL_RUNS ?? '500',
  },
  shell: process.platform === 'win32',
});
if (result.status !== 0) process.exit(result.status ?? 1);

// The cross-process lock, 20 times over: 8 worker processes on a cold key, computed once each time.
const lock = spawnSync('npx', ['vitest', 'run', '--project', 'redis', 'test/redis/processes.test.ts', '-t', 'with the lock: computed once'], {
  stdio: 'inherit',
  env: { ...process.env, LOCK_RUNS: process.env.LOCK_RUNS ?? '20' },
  shell: process.platform === 'win32',
});
process.exit(lock.status ?? 1);
