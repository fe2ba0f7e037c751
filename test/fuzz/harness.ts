/**
 * The fuzz harness (issue 12, item 3): mutated example pipelines, configs and definitions, each
 * run in-process through the real command layer (`--json`) by one of validate, compile,
 * visualize to DOT, definition validate / convert / visualize. An input fails when the command
 * throws, reports ETL9000, takes longer than the time limit, prints something that is not the
 * envelope, or reports an error without a file:line.
 */
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT, tempDir } from '../helpers.js';
import { etlctlInProcess } from '../cli/inprocess.js';
import type { Mutation } from './mutate.js';
import { mutate } from './mutate.js';

export type Kind = 'pipeline' | 'config' | 'definition';

export interface Seed {
  kind: Kind;
  name: string;
  tree: unknown;
}

export interface Verdict {
  /** Why the input failed; undefined when it passed. */
  failure?: 'throw' | 'internal' | 'hang' | 'no-location' | 'bad-envelope';
  detail?: string;
  ms: number;
  args: string[];
  text: string;
}

interface Envelope {
  exitCode: number;
  diagnostics: { code: string; severity: string; message: string; file?: string; line?: number }[];
}

export class Fuzzer {
  readonly dir = tempDir('etlctl-fuzz-');
  readonly project = join(this.dir, 'project');
  readonly seeds: Seed[] = [];
  private counter = 0;

  constructor(readonly timeLimitMs: number) {}

  /** Seeds: the example pipelines, the example config, and definitions compiled from the examples. */
  async setup(): Promise<void> {
    // The mutated config lives in a project whose pipelines/ and config/seed are the examples'.
    mkdirSync(join(this.project, 'config'), { recursive: true });
    symlinkSync(join(ROOT, 'pipelines'), join(this.project, 'pipelines'));
    symlinkSync(join(ROOT, 'config/seed'), join(this.project, 'config/seed'));
    const pipelines = readdirSync(join(ROOT, 'pipelines')).filter((f) => f.endsWith('.yaml'));
    for (const f of pipelines)
      this.seeds.push({
        kind: 'pipeline',
        name: f,
        tree: parse(readFileSync(join(ROOT, 'pipelines', f), 'utf8')),
      });
    this.seeds.push({
      kind: 'config',
      name: 'etlctl.yaml',
      tree: parse(readFileSync(join(ROOT, 'config/etlctl.yaml'), 'utf8')),
    });
    const out = join(this.dir, 'compiled');
    const r = await etlctlInProcess(['pipeline', 'compile', join(ROOT, 'pipelines'), '-o', out, '--json'], {
      cwd: ROOT,
    });
    if (r.code !== 0) throw new Error(`compiling the example pipelines failed:\n${r.stdout}${r.stderr}`);
    for (const f of readdirSync(out).filter((x) => x.endsWith('.json'))) {
      const def = JSON.parse(readFileSync(join(out, f), 'utf8')) as unknown;
      this.seeds.push({ kind: 'definition', name: f, tree: def });
      const api = await etlctlInProcess(['definition', 'convert', join(out, f), '--to', 'api', '--json'], {
        cwd: ROOT,
      });
      const converted = (JSON.parse(api.stdout) as { result?: { definition?: unknown } }).result?.definition;
      if (converted) this.seeds.push({ kind: 'definition', name: `api-${f}`, tree: converted });
    }
    const hand = join(ROOT, 'test/graph/fixtures/enrollments.json');
    this.seeds.push({
      kind: 'definition',
      name: 'hand-written',
      tree: JSON.parse(readFileSync(hand, 'utf8')),
    });
  }

  /** The commands an input of each kind goes through (one per input, drawn by the mutation). */
  private commands(kind: Kind, file: string, n: number): string[][] {
    const cfg = join(ROOT, 'config/etlctl.yaml');
    const out = join(this.dir, `out-${n % 4}`);
    if (kind === 'pipeline')
      return [
        ['pipeline', 'validate', file, '-c', cfg],
        ['pipeline', 'compile', file, '-c', cfg, '-o', out],
        ['pipeline', 'visualize', file, '-c', cfg, '-o', join(this.dir, 'p.dot')],
        ['pipeline', 'validate', file, '-c', cfg, '-m', 'production'],
      ];
    if (kind === 'config')
      return [
        ['pipeline', 'validate', join(ROOT, 'pipelines/enrollments.yaml'), '-c', file],
        ['pipeline', 'validate', join(ROOT, 'pipelines/users_snapshot.yaml'), '-c', file, '-m', 'production'],
        ['config', 'explain', '-c', file],
      ];
    return [
      ['definition', 'validate', file],
      ['definition', 'convert', file, '--to', 'api'],
      ['definition', 'convert', file, '--to', 'file'],
      ['definition', 'visualize', file, '-o', join(this.dir, 'd.dot')],
    ];
  }

  /** Write the mutated input, run its command, judge the envelope. */
  async run(m: Mutation): Promise<Verdict> {
    const seed = this.seeds[m.seed % this.seeds.length];
    const text = mutate(seed.tree, m, seed.kind === 'definition' ? 'json' : 'yaml');
    const n = this.counter++;
    const file =
      seed.kind === 'config'
        ? join(this.project, 'config', 'etlctl.yaml')
        : join(this.dir, seed.kind === 'definition' ? `input-${n % 4}.json` : `input-${n % 4}.yaml`);
    writeFileSync(file, text);
    const list = this.commands(seed.kind, file, n);
    const args = [...list[m.command % list.length], '--json'];
    return this.judge(args, text);
  }

  /** Run one command on text already written, and say whether it behaved. */
  async judge(args: string[], text: string): Promise<Verdict> {
    const start = performance.now();
    let r: { code: number; stdout: string; stderr: string };
    try {
      r = await etlctlInProcess(args, { cwd: this.dir });
    } catch (e) {
      return {
        failure: 'throw',
        detail: e instanceof Error ? (e.stack ?? e.message) : String(e),
        ms: performance.now() - start,
        args,
        text,
      };
    }
    const ms = performance.now() - start;
    if (ms > this.timeLimitMs) return { failure: 'hang', detail: `${Math.round(ms)} ms`, ms, args, text };
    let env: Envelope;
    try {
      env = JSON.parse(r.stdout) as Envelope;
    } catch {
      return { failure: 'bad-envelope', detail: (r.stdout + r.stderr).slice(0, 500), ms, args, text };
    }
    const internal = env.diagnostics.find(
      (d) => d.code === 'ETL9000' || /internal (checker )?error/.test(d.message),
    );
    if (internal || (env.diagnostics.some((d) => d.severity === 'error') && env.exitCode === 0))
      return { failure: 'internal', detail: JSON.stringify(internal ?? env.diagnostics), ms, args, text };
    const unplaced = env.diagnostics.find(
      (d) => d.severity === 'error' && (d.file === undefined || d.line === undefined),
    );
    if (unplaced) return { failure: 'no-location', detail: JSON.stringify(unplaced), ms, args, text };
    return { ms, args, text };
  }
}

export interface Tally {
  inputs: number;
  internal: number;
  hangs: number;
  noLocation: number;
  other: number;
  failures: Verdict[];
  slowestMs: number;
}

export function newTally(): Tally {
  return { inputs: 0, internal: 0, hangs: 0, noLocation: 0, other: 0, failures: [], slowestMs: 0 };
}

export function count(t: Tally, v: Verdict): void {
  t.inputs++;
  t.slowestMs = Math.max(t.slowestMs, v.ms);
  if (!v.failure) return;
  if (v.failure === 'internal' || v.failure === 'throw') t.internal++;
  else if (v.failure === 'hang') t.hangs++;
  else if (v.failure === 'no-location') t.noLocation++;
  else t.other++;
  if (t.failures.length < 50) t.failures.push(v);
}

export function summary(t: Tally, seed: number, seconds: number): string {
  return [
    `fuzz: seed ${seed}, ${t.inputs} inputs in ${seconds.toFixed(0)} s (slowest ${Math.round(t.slowestMs)} ms)`,
    `  internal errors (throw or ETL9000): ${t.internal}`,
    `  hangs (over the per-input limit):   ${t.hangs}`,
    `  errors without a file:line:         ${t.noLocation}`,
    `  other (not the --json envelope):    ${t.other}`,
  ].join('\n');
}
