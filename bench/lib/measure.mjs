/* global process, performance, setInterval, clearInterval, setTimeout, clearTimeout */
// Timing and memory measurement for the benchmark suite: run a command as a child process, take
// its wall time, optionally its process tree's peak RSS, and run variants interleaved so that a
// noisy shared machine slows the etlctl runs and their baselines alike.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function median(xs) {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const PAGE_KB = 4;
const GNU_TIME = '/usr/bin/time';

/** Peak-RSS source: GNU time reports the largest single process; /proc sampling sums the tree. */
export const hasGnuTime = existsSync(GNU_TIME);

function procTable() {
  const parent = new Map();
  const rssKb = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      // The command name may hold spaces or parentheses: fields start after the last ')'.
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(d), Number(f[1]));
      rssKb.set(Number(d), Number(f[21]) * PAGE_KB);
    } catch {
      // the process ended while we looked
    }
  }
  return { parent, rssKb };
}

/** Sum of RSS over `root` and all its descendants (excluding root when `skipRoot`). */
function treeRssKb(root, skipRoot) {
  const { parent, rssKb } = procTable();
  const children = new Map();
  for (const [pid, pp] of parent) {
    if (!children.has(pp)) children.set(pp, []);
    children.get(pp).push(pid);
  }
  let sum = 0;
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop();
    if (!(skipRoot && pid === root)) sum += rssKb.get(pid) ?? 0;
    for (const c of children.get(pid) ?? []) stack.push(c);
  }
  return sum;
}

/**
 * Runs argv[0] with argv.slice(1) (no shell unless argv is ['bash', '-c', …]) and resolves to
 * { ms, cpuMs?, code, stdout, stderr, peakRssMb? }. Where GNU time is installed it wraps the
 * command and reports the CPU time (user + system, children included) — steadier than wall time
 * on a busy machine — and the largest process's max RSS. With `rss`, the whole tree's RSS is also
 * sampled from /proc every 50 ms and the larger figure is kept.
 */
export function timeCommand(argv, opts = {}) {
  const { cwd, env, rss = false, timeoutMs = 60 * 60 * 1000 } = opts;
  let cmd = argv[0];
  let args = argv.slice(1);
  let timeFile;
  let tmp;
  if (hasGnuTime) {
    tmp = mkdtempSync(join(tmpdir(), 'etlctl-bench-'));
    timeFile = join(tmp, 'time');
    args = ['-f', '%U %S %M', '-o', timeFile, cmd, ...args];
    cmd = GNU_TIME;
  }
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { cwd, env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => {
      if (stdout.length < 1 << 20) stdout += c;
    });
    child.stderr.on('data', (c) => {
      if (stderr.length < 1 << 20) stderr += c;
    });
    let peakKb = 0;
    const sampler = rss
      ? setInterval(() => {
          peakKb = Math.max(peakKb, treeRssKb(child.pid, Boolean(timeFile)));
        }, 50)
      : undefined;
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    const cleanup = () => {
      clearInterval(sampler);
      clearTimeout(timer);
      if (tmp) rmSync(tmp, { recursive: true, force: true });
    };
    child.on('error', (e) => {
      cleanup();
      reject(e);
    });
    child.on('close', (code) => {
      const ms = performance.now() - t0;
      const result = { ms, code, stdout, stderr };
      let largestKb = 0;
      if (timeFile) {
        // GNU time writes "Command exited with non-zero status N" before the figures on failure.
        const last =
          (existsSync(timeFile) ? readFileSync(timeFile, 'utf8') : '').trim().split('\n').pop() ?? '';
        const [user, sys, maxKb] = last.split(' ').map(Number);
        if (Number.isFinite(user) && Number.isFinite(sys)) result.cpuMs = (user + sys) * 1000;
        largestKb = Number.isFinite(maxKb) ? maxKb : 0;
      }
      cleanup();
      if (rss) result.peakRssMb = Math.max(peakKb, largestKb) / 1024;
      resolve(result);
    });
  });
}

/** Like timeCommand, but a non-zero exit rejects with the command's stderr. */
export async function mustRun(argv, opts = {}) {
  const r = await timeCommand(argv, opts);
  if (r.code !== 0) {
    const shown = argv.join(' ');
    throw new Error(
      `${shown.length > 300 ? shown.slice(0, 300) + '…' : shown} exited ${r.code}\n${r.stderr.slice(-3000)}${r.stdout.slice(-2000)}`,
    );
  }
  return r;
}

/**
 * Runs each variant `reps` times, interleaved, the order rotating every repetition, after
 * `warmup` discarded rounds. `variants` is [{ key, run(rep) → sample }]; samples are objects with
 * at least `ms`. Returns { key: sample[] }.
 */
export async function interleaved(variants, reps, { warmup = 0, log } = {}) {
  const samples = Object.fromEntries(variants.map((v) => [v.key, []]));
  for (let w = 0; w < warmup; w++) for (const v of variants) await v.run(-1);
  for (let rep = 0; rep < reps; rep++) {
    const order = variants.map((_, i) => variants[(i + rep) % variants.length]);
    for (const v of order) {
      const s = await v.run(rep);
      samples[v.key].push(s);
      log?.(
        `  ${v.key} #${rep + 1}: ${formatMs(s.ms)}${s.cpuMs !== undefined ? ` (CPU ${formatMs(s.cpuMs)})` : ''}${s.peakRssMb !== undefined ? `, peak RSS ${s.peakRssMb.toFixed(0)} MB` : ''}`,
      );
    }
  }
  return samples;
}

export function formatMs(ms) {
  if (!Number.isFinite(ms)) return '–';
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 10) return `${ms.toFixed(0)} ms`;
  return `${ms.toFixed(1)} ms`;
}

/** Median of one field over samples (NaN when no sample has it, e.g. CPU time without GNU time). */
export function medianOf(samples, field = 'ms') {
  return median((samples ?? []).map((s) => s[field]).filter((v) => Number.isFinite(v)));
}

/** True when `tool` is on the PATH (baselines whose tools are missing are skipped). */
export async function haveTool(tool) {
  const r = await timeCommand(['bash', '-c', `command -v ${tool}`]).catch(() => ({ code: 1 }));
  return r.code === 0;
}
