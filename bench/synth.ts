/**
 * `npm run bench -- synth`: how `herald plan` scales. Plans generated topologies of 10, 100 and 1000
 * functions on AWS (each in a fresh process: Pulumi's runtime state is process-wide), prints the time per
 * resource at each size, and ends with the ratio of the per-resource time at 1000 to that at 100
 * (goal ≤ 1.2: linear). Each size runs `SYNTH_RUNS` times (default 2) and keeps the fastest, because a
 * shared machine's noise only ever adds time.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const SIZES = [10, 100, 1000];
const RUNS = Math.max(1, Number(process.env.SYNTH_RUNS ?? 2));
const WORKER = path.join(__dirname, '_synth-worker.ts');

interface Sample { functions: number; resources: number; ms: number; bytes: number }

function measure(functions: number): Sample {
  const r = spawnSync(process.execPath, ['--import', 'tsx', WORKER, String(functions)], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`plan of ${functions} functions failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Sample;
}

const perResource = new Map<number, number>();
process.stdout.write(`${'functions'.padStart(9)} ${'resources'.padStart(9)} ${'plan time'.padStart(10)} ${'per resource'.padStart(12)}\n`);
for (const n of SIZES) {
  const best = Array.from({ length: RUNS }, () => measure(n)).reduce((a, b) => (b.ms < a.ms ? b : a));
  const us = (best.ms * 1_000) / best.resources;
  perResource.set(n, us);
  process.stdout.write(`${String(n).padStart(9)} ${String(best.resources).padStart(9)} ${`${(best.ms / 1_000).toFixed(2)} s`.padStart(10)} ${`${us.toFixed(0)} µs`.padStart(12)}\n`);
}
const ratio = perResource.get(1000)! / perResource.get(100)!;
process.stdout.write(`bench synth: ratio=${ratio.toFixed(2)} (per-resource time at 1000 / at 100)\n`);
