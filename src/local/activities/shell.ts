/**
 * ShellCommandActivity (reference §3.3): `command` or `scriptUri`, `scriptArgument`s as $1…$n,
 * and with `stage: true` each S3DataNode input copied into a temp dir (`INPUTn_STAGING_DIR`)
 * before, each output dir (`OUTPUTn_STAGING_DIR`) uploaded after a zero exit. The exit code decides.
 * The command runs in its own process group, so a timeout or a stop kills everything it started.
 */
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { PipelineObject } from '../../definition/model.js';
import { fieldValues, isRef, stringField } from '../../definition/model.js';
import { EtlError, ExitCode, diag } from '../../diagnostics.js';
import { joinS3 } from '../s3.js';
import type { LocalS3 } from '../s3.js';
import type { ShellCompat } from '../shell-compat.js';
import { compatEnv, shellDifferences } from '../shell-compat.js';
import type { ActivityContext, ActivityResult } from './types.js';

/** What the engine adds for shell commands: environment and the child's pid (to clean up after a crash). */
export interface ShellExtras {
  env: Record<string, string>;
  cwd: string;
  onSpawn(pid: number | undefined): void;
  /** Data Pipeline worker compatibility (bash, shebangs, sudo, package installs, aws s3). */
  compat?: ShellCompat;
}

export type ShellContext = ActivityContext & ShellExtras;

const TRANSFORM_LINE = 'ETLCTL-TRANSFORM ';

function strings(obj: PipelineObject, key: string): string[] {
  return fieldValues(obj, key).filter((v): v is string => typeof v === 'string');
}

export async function runShellCommand(ctx: ShellContext): Promise<ActivityResult> {
  const act = ctx.object;
  const command = stringField(act, 'command');
  const scriptUri = stringField(act, 'scriptUri');
  const args = strings(act, 'scriptArgument');
  const temps: string[] = [];
  try {
    const env: Record<string, string> = { ...ctx.env };
    const outputs: { dir: string; node: PipelineObject }[] = [];
    if (/^true$/i.test(stringField(act, 'stage') ?? '')) {
      const nodes = (key: string) =>
        fieldValues(act, key)
          .filter(isRef)
          .map((r) => ctx.resolve(r.ref));
      let i = 0;
      for (const node of nodes('input')) {
        i++;
        if (stringField(node, 'type') !== 'S3DataNode') continue;
        const dir = await tempDir(temps, 'in');
        await stageIn(ctx.s3, node, dir);
        env[`INPUT${i}_STAGING_DIR`] = dir;
      }
      i = 0;
      for (const node of nodes('output')) {
        i++;
        if (stringField(node, 'type') !== 'S3DataNode') continue;
        const dir = await tempDir(temps, 'out');
        env[`OUTPUT${i}_STAGING_DIR`] = dir;
        outputs.push({ dir, node });
      }
    }
    const c = ctx.compat;
    const shell = c?.shell ?? '/bin/sh';
    if (c)
      Object.assign(env, compatEnv(c, ctx.stateDir), {
        PATH: `${c.binDir}:${env.PATH ?? process.env.PATH ?? ''}`,
      });
    let argv: string[];
    if (command !== undefined) {
      argv = [shell, '-c', command, basename(shell), ...args];
      if (c) note(ctx, shellDifferences(command, c, 'command'));
    } else if (scriptUri !== undefined) {
      const dir = await tempDir(temps, 'script');
      const script = join(dir, scriptUri.split('/').pop() || 'script');
      const text = await ctx.s3.readText(scriptUri);
      await writeFile(script, text);
      await chmod(script, 0o755);
      // A shebang picks the interpreter, as on a worker (`#!/usr/bin/env python3`); else the shell.
      const shebang = /^#!.*/.exec(text)?.[0];
      argv = shebang ? [script, ...args] : [shell, script, ...args];
      if (c) {
        note(
          ctx,
          shellDifferences(text, c, 'script').filter((d) => !(shebang && d.startsWith('script runs'))),
        );
        if (shebang && !/\bbash\b/.test(shebang))
          note(ctx, [`${scriptUri}: runs with its shebang ${shebang}`]);
      }
    } else {
      throw new EtlError(
        diag('ETL7530', `ShellCommandActivity '${act.id}' has neither command nor scriptUri`, {
          objectId: act.id,
        }),
      );
    }
    const code = await runProcess(argv, env, ctx);
    if (code !== 0) {
      // `etlctl task …` follows etlctl's exit codes: 3 is an environment error (database unreachable).
      const envError = code === 3 && /^\s*etlctl\s+task\b/.test(command ?? '');
      throw new EtlError(
        diag('ETL7531', `command exited with code ${code}`, { objectId: act.id }),
        envError ? ExitCode.ENVIRONMENT : ExitCode.FAILURE,
      );
    }
    for (const o of outputs) await stageOut(ctx.s3, o.node, o.dir);
    return {};
  } finally {
    for (const t of temps) await rm(t, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** Shell differences go to the run report with the SQL translations, once each. */
function note(ctx: ShellContext, lines: string[]): void {
  for (const l of lines) {
    const text = `${ctx.object.id}: ${l}`;
    if (!ctx.translations.includes(text)) ctx.translations.push(text);
  }
}

async function tempDir(temps: string[], kind: string): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), `etlctl-${kind}-`));
  temps.push(d);
  return d;
}

async function stageIn(s3: LocalS3, node: PipelineObject, dir: string): Promise<void> {
  const dirPath = stringField(node, 'directoryPath');
  const filePath = stringField(node, 'filePath');
  const base = (dirPath ?? filePath ?? '').replace(/\/+$/, '');
  if (!base) return;
  for (const uri of await s3.list(base)) {
    const rel = uri === base ? uri.split('/').pop()! : uri.slice(base.length + 1);
    const dest = join(dir, ...rel.split('/'));
    await mkdir(dirname(dest), { recursive: true });
    await pipeline(await s3.read(uri), createWriteStream(dest));
  }
}

async function stageOut(s3: LocalS3, node: PipelineObject, dir: string): Promise<void> {
  const files = await listFiles(dir);
  const dirPath = stringField(node, 'directoryPath');
  const filePath = stringField(node, 'filePath');
  for (const f of files) {
    const rel = relative(dir, f).split(sep).join('/');
    const uri = dirPath ? joinS3(dirPath, rel) : files.length === 1 && filePath ? filePath : undefined;
    if (!uri) {
      throw new EtlError(
        diag(
          'ETL7532',
          `output '${node.id}' has no directoryPath, so staged output files cannot be uploaded`,
          {
            objectId: node.id,
            hint: 'set directoryPath on the output S3DataNode (Data Pipeline requires it for output staging)',
          },
        ),
      );
    }
    const up = await s3.write(uri);
    try {
      await pipeline(createReadStream(f), up.stream);
      await up.commit();
    } catch (e) {
      await up.abort();
      throw e;
    }
  }
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(p)));
    else if (e.isFile()) out.push(p);
  }
  return out.sort();
}

/** Runs argv in its own process group; output goes line by line to the attempt log. */
function runProcess(argv: string[], env: Record<string, string>, ctx: ShellContext): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), {
      cwd: ctx.cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    ctx.onSpawn(child.pid);
    const kill = (): void => {
      if (child.pid === undefined || child.exitCode !== null) return;
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
      const hard = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }, 2000);
      hard.unref();
    };
    if (ctx.signal.aborted) kill();
    ctx.signal.addEventListener('abort', kill, { once: true });
    for (const [stream, tag] of [
      [child.stdout, ''],
      [child.stderr, '[stderr] '],
    ] as const) {
      let buf = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        buf += chunk;
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          // `etlctl task copy` names each column transform it applied: the run report lists them.
          if (tag === '' && buf.startsWith(TRANSFORM_LINE))
            ctx.translations.push(`transform ${buf.slice(TRANSFORM_LINE.length, nl)}`);
          ctx.log(tag + buf.slice(0, nl));
          buf = buf.slice(nl + 1);
        }
      });
      stream.on('end', () => {
        if (buf) ctx.log(tag + buf);
      });
    }
    child.on('error', (e) => reject(new EtlError(diag('ETL7533', `cannot start ${argv[0]}: ${e.message}`))));
    child.on('close', (code, signal) => {
      ctx.signal.removeEventListener('abort', kill);
      ctx.onSpawn(undefined);
      if (ctx.signal.aborted)
        reject(ctx.signal.reason instanceof Error ? ctx.signal.reason : new Error('aborted'));
      else resolve(code ?? (signal ? 128 + 15 : 1));
    });
  });
}
