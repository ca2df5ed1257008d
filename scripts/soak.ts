/**
 * `npm run soak [-- --requests N] [-- --naive]`: the HTTP soak at full size
 * (default 200,000 requests). Prints heap after GC per interval, requests/s,
 * p99 and errors; exits 1 if heap grows more than 8 MB after warm-up or any
 * request fails. `--naive` runs the leaking variant instead, to compare.
 */
import { soak } from './soak-run.js';

const flag = (name: string) => process.argv.indexOf(name);
const requestsAt = flag('--requests');
const requests = requestsAt === -1 ? 200_000 : Number(process.argv[requestsAt + 1]);
if (!Number.isInteger(requests) || requests <= 0) {
  console.error(`soak: --requests must be a positive integer, received ${process.argv[requestsAt + 1]}`);
  process.exit(2);
}
const mode = flag('--naive') === -1 ? 'cached' : 'naive';
const LIMIT_MB = 8;

console.log(`soak: ${requests.toLocaleString('en-US')} requests to 127.0.0.1, service mode '${mode}'`);
const result = await soak({
  requests,
  mode,
  onInterval: (index, heapMb, done) =>
    console.log(
      `  ${index === 0 ? 'warm-up ' : `interval ${String(index).padStart(2)}`}  ${done.toLocaleString('en-US').padStart(9)} requests  heap after GC ${heapMb.toFixed(1)} MB`,
    ),
});
console.log(
  `requests ${result.requests.toLocaleString('en-US')}, ${result.requestsPerSecond.toLocaleString('en-US')} req/s, ` +
    `p99 ${result.p99Ms} ms, errors ${result.errors}, non-2xx ${result.non2xx}, ` +
    `heap growth after warm-up ${result.growthMb.toFixed(1)} MB (limit ${LIMIT_MB} MB)` +
    (mode === 'naive' ? `, instances held by the naive cache ${result.naiveInstancesHeld.toLocaleString('en-US')}` : ''),
);
const failed = result.growthMb > LIMIT_MB || result.errors > 0 || result.non2xx > 0;
console.log(failed ? 'soak: FAILED' : 'soak: passed');
process.exit(failed ? 1 : 0);
