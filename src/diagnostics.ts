/**
 * The one Diagnostic type and its printers (DESIGN.md decision 2).
 *
 * Code ranges, so a code says which layer found the problem:
 *   ETL1xxx  YAML and pipeline spec (syntax, schema, step parameters)
 *   ETL2xxx  config, modes, connections, secrets
 *   ETL3xxx  compile (references between steps, table definitions, files)
 *   ETL4xxx  Data Pipeline definition checker (AWS rules, limits, expressions)
 *   ETL5xxx  graph / visualize
 *   ETL6xxx  AWS deploy
 *   ETL7xxx  local engine
 *   ETL8xxx  command line usage
 *   ETL9xxx  internal
 */

export type Severity = 'error' | 'warning' | 'info';

export interface Diagnostic {
  code: string;
  severity: Severity;
  message: string;
  file?: string;
  line?: number; // 1-based
  column?: number; // 1-based
  hint?: string;
  /** Data Pipeline object id, when the finding is about a compiled object. */
  objectId?: string;
  /** Field of that object, or the dotted key path in a config / YAML file. */
  field?: string;
}

/** Exit codes, DESIGN.md decision 3. */
export const ExitCode = {
  OK: 0,
  FAILURE: 1,
  USAGE: 2,
  ENVIRONMENT: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** An error carrying diagnostics; thrown across layers, printed by the CLI's one printer. */
export class EtlError extends Error {
  readonly diagnostics: Diagnostic[];
  readonly exitCode: ExitCode;
  constructor(diagnostics: Diagnostic | Diagnostic[], exitCode: ExitCode = ExitCode.FAILURE) {
    const list = Array.isArray(diagnostics) ? diagnostics : [diagnostics];
    super(list.map((d) => `${d.code}: ${d.message}`).join('\n'));
    this.name = 'EtlError';
    this.diagnostics = list;
    this.exitCode = exitCode;
  }
}

export function diag(
  code: string,
  message: string,
  extra: Partial<Omit<Diagnostic, 'code' | 'message'>> = {},
): Diagnostic {
  return { code, severity: 'error', message, ...extra };
}

export function hasErrors(list: readonly Diagnostic[]): boolean {
  return list.some((d) => d.severity === 'error');
}

/** Stable order: by file, line, column, then code, so output does not depend on discovery order. */
export function sortDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  return [...list].sort(
    (a, b) =>
      (a.file ?? '').localeCompare(b.file ?? '') ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.column ?? 0) - (b.column ?? 0) ||
      a.code.localeCompare(b.code) ||
      a.message.localeCompare(b.message),
  );
}

/** Source texts by file path, used to print an excerpt under each diagnostic. */
export type SourceTexts = ReadonlyMap<string, string>;

function excerpt(d: Diagnostic, sources: SourceTexts | undefined): string[] {
  if (!d.file || !d.line || !sources) return [];
  const text = sources.get(d.file);
  if (text === undefined) return [];
  const lines = text.split(/\r?\n/);
  const src = lines[d.line - 1];
  if (src === undefined) return [];
  const num = String(d.line);
  const pad = ' '.repeat(num.length);
  const out = [`  ${num} | ${src}`];
  if (d.column && d.column >= 1) {
    out.push(`  ${pad} | ${' '.repeat(d.column - 1)}^`);
  }
  return out;
}

export function formatDiagnostic(d: Diagnostic, sources?: SourceTexts): string {
  const where = d.file ? `${d.file}${d.line ? `:${d.line}${d.column ? `:${d.column}` : ''}` : ''}: ` : '';
  const about = d.objectId ? ` [object ${d.objectId}${d.field ? `, field ${d.field}` : ''}]` : '';
  const lines = [`${where}${d.severity} ${d.code}: ${d.message}${about}`];
  lines.push(...excerpt(d, sources));
  if (d.hint) lines.push(`  hint: ${d.hint}`);
  return lines.join('\n');
}

export function formatDiagnostics(list: readonly Diagnostic[], sources?: SourceTexts): string {
  return list.map((d) => formatDiagnostic(d, sources)).join('\n');
}

export function summarize(list: readonly Diagnostic[]): string {
  const errors = list.filter((d) => d.severity === 'error').length;
  const warnings = list.filter((d) => d.severity === 'warning').length;
  return `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
}

/** "Did you mean" by edit distance; returns undefined when nothing is close. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDist = Infinity;
  const w = word.toLowerCase();
  for (const c of candidates) {
    const dist = editDistance(w, c.toLowerCase());
    if (dist < bestDist) {
      bestDist = dist;
      best = c;
    }
  }
  const limit = Math.max(2, Math.floor(word.length / 3));
  return bestDist <= limit ? best : undefined;
}

export function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diagPrev = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diagPrev + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagPrev = tmp;
    }
  }
  return prev[b.length];
}

export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const c = closest(word, candidates);
  return c ? `did you mean '${c}'?` : undefined;
}
