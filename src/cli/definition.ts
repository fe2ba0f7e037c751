import type { Command } from 'commander';
import type { Diagnostic } from '../diagnostics.js';
import { ExitCode } from '../diagnostics.js';
import { err, out, reportDiagnostics, setExit } from './common.js';

interface ValidateOptions {
  json?: boolean;
  now?: string;
  maxObjects?: string;
}

interface ConvertOptions {
  to: string;
  output?: string;
}

/** 1-based line of the first `"id": "<id>"` (file format) in the JSON text, so findings point at the object. */
function lineOfObject(text: string, id: string, cache: Map<string, number | undefined>): number | undefined {
  if (cache.has(id)) return cache.get(id);
  const needle = new RegExp(`"id"\\s*:\\s*${JSON.stringify(id).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);
  const m = needle.exec(text);
  let line: number | undefined;
  if (m) {
    const start = text.lastIndexOf('\n', m.index) + 1;
    const end = text.indexOf('\n', m.index);
    // A minified file is one long line: a line number would only print the whole file as the excerpt.
    if ((end < 0 ? text.length : end) - start <= 240) line = text.slice(0, m.index).split('\n').length;
  }
  cache.set(id, line);
  return line;
}

/** JSON.parse error position → line/column (Node reports "at position N" or "line L column C"). */
function jsonErrorPosition(text: string, message: string): { line?: number; column?: number } {
  const lc = /line (\d+) column (\d+)/.exec(message);
  if (lc) return { line: Number(lc[1]), column: Number(lc[2]) };
  const pos = /position (\d+)/.exec(message);
  if (!pos) return {};
  const before = text.slice(0, Number(pos[1]));
  const lines = before.split('\n');
  return { line: lines.length, column: lines[lines.length - 1].length + 1 };
}

type Loaded = { text: string; json: unknown } | { diagnostics: Diagnostic[]; exit: number };

async function load(file: string): Promise<Loaded> {
  const { readFile } = await import('node:fs/promises');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return {
      exit: ExitCode.USAGE,
      diagnostics: [
        {
          code: 'ETL8003',
          severity: 'error',
          file,
          message: code === 'ENOENT' ? 'file not found' : `cannot read file (${code ?? String(e)})`,
          hint: 'check the path',
        },
      ],
    };
  }
  try {
    return { text, json: JSON.parse(text) as unknown };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const pos = jsonErrorPosition(text, message);
    const lineText = pos.line === undefined ? '' : (text.split('\n')[pos.line - 1] ?? '');
    const where = lineText.length > 240 ? {} : pos; // no excerpt of a minified file
    return {
      exit: ExitCode.FAILURE,
      diagnostics: [
        {
          code: 'ETL4001',
          severity: 'error',
          file,
          ...where,
          message: `not valid JSON: ${message}`,
          hint: 'definition files are strict JSON (no comments, no trailing commas)',
        },
      ],
    };
  }
}

async function validate(files: string[], opts: ValidateOptions): Promise<void> {
  const { checkDefinitionJson } = await import('../definition/check.js');
  const now = opts.now ? new Date(opts.now) : new Date();
  if (Number.isNaN(now.getTime())) {
    err(`error ETL8002: --now '${opts.now}' is not a date (use e.g. 2026-01-01T00:00:00Z)`);
    setExit(ExitCode.USAGE);
    return;
  }
  const maxObjects = opts.maxObjects === undefined ? undefined : Number(opts.maxObjects);
  if (maxObjects !== undefined && !(Number.isInteger(maxObjects) && maxObjects > 0)) {
    err(`error ETL8111: --max-objects '${opts.maxObjects}' is not a positive integer`);
    setExit(ExitCode.USAGE);
    return;
  }
  const all: Diagnostic[] = [];
  const sources = new Map<string, string>();
  let exit: number = ExitCode.OK;
  for (const file of files) {
    const loaded = await load(file);
    if ('diagnostics' in loaded) {
      all.push(...loaded.diagnostics);
      exit = Math.max(exit, loaded.exit);
      continue;
    }
    sources.set(file, loaded.text);
    const lines = new Map<string, number | undefined>();
    const { diagnostics } = checkDefinitionJson(loaded.json, file, { now, maxObjects });
    for (const d of diagnostics) {
      if (d.objectId !== undefined && d.line === undefined) {
        const line = lineOfObject(loaded.text, d.objectId, lines);
        if (line !== undefined) d.line = line;
      }
    }
    all.push(...diagnostics);
  }
  const ok = reportDiagnostics(all, { json: opts.json, sources });
  if (ok && !opts.json)
    err(`${files.length} definition file${files.length === 1 ? '' : 's'} checked: no errors`);
  setExit(exit);
}

async function convert(file: string, opts: ConvertOptions): Promise<void> {
  if (opts.to !== 'file' && opts.to !== 'api') {
    err(`error ETL8104: --to must be 'file' or 'api', got '${opts.to}'`);
    setExit(ExitCode.USAGE);
    return;
  }
  const loaded = await load(file);
  if ('diagnostics' in loaded) {
    reportDiagnostics(loaded.diagnostics);
    setExit(loaded.exit);
    return;
  }
  const { convertDefinitionJson } = await import('../definition/convert.js');
  const result = convertDefinitionJson(loaded.json, opts.to, file);
  reportDiagnostics(result.diagnostics, { quietSummary: true });
  if (!result.output) return;
  const text = JSON.stringify(result.output, null, 2) + '\n';
  if (opts.output) {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(opts.output, text);
    err(`wrote ${opts.output} (${opts.to} format)`);
  } else {
    out(text);
  }
}

/** `etlctl definition …`: commands on any Data Pipeline definition JSON file. */
export function registerDefinitionCommands(program: Command): void {
  const group = program
    .command('definition')
    .description('check, convert and draw Data Pipeline definition files');
  group
    .command('validate')
    .description('check definition JSON files (file or API format) offline against the AWS rules and limits')
    .argument('<files...>', 'definition JSON files')
    .option('--json', 'print machine-readable JSON instead of text')
    .option('--now <datetime>', 'the time to check schedule starts against (default: the current time)')
    .option('--max-objects <n>', "your account's object limit per pipeline (default 100, adjustable by AWS)")
    .action((files: string[], opts: ValidateOptions) => validate(files, opts));
  group
    .command('convert')
    .description('convert a definition between the file format and the API format (aws-cli rules)')
    .argument('<file>', 'definition JSON file')
    .requiredOption('--to <format>', "target format: 'file' or 'api'")
    .option('-o, --output <path>', 'write to this file instead of stdout')
    .action((file: string, opts: ConvertOptions) => convert(file, opts));
}
