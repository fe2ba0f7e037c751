/**
 * The one Diagnostic type (DESIGN.md decision 2), the exit codes (decision 3) and the error that
 * carries diagnostics across layers.
 *
 * Code ranges, so a code says which layer found the problem (every code is documented in the
 * registry under codes/; `etlctl explain CODE` prints it):
 *   ETL1xxx  YAML and pipeline spec (syntax, schema, step parameters)
 *   ETL2xxx  config, modes, connections, secrets
 *   ETL3xxx  compile (references between steps, table definitions, files)
 *   ETL4xxx  Data Pipeline definition checker (AWS rules, limits, expressions)
 *   ETL5xxx  graph / visualize
 *   ETL6xxx  AWS deploy
 *   ETL7xxx  local engine and the `etlctl task` helpers
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

/** Exit codes, DESIGN.md decision 3 (and 128 + signal number when a signal stopped a run). */
export const ExitCode = {
  OK: 0,
  FAILURE: 1,
  USAGE: 2,
  ENVIRONMENT: 3,
  /** Stopped by SIGINT (Ctrl-C). */
  INTERRUPTED: 130,
  /** Stopped by SIGTERM. */
  TERMINATED: 143,
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

// One collator for every comparison: String#localeCompare builds one per call, which dominated
// sorting thousands of findings (same order, issue 12). Made on first use: it costs start-up time.
let collator: Intl.Collator | undefined;
const compare = (a: string, b: string): number => (collator ??= new Intl.Collator()).compare(a, b);

/** Stable order: by file, line, column, then code, so output does not depend on discovery order. */
export function sortDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  return [...list].sort(
    (a, b) =>
      compare(a.file ?? '', b.file ?? '') ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.column ?? 0) - (b.column ?? 0) ||
      compare(a.code, b.code) ||
      compare(a.message, b.message),
  );
}

/** Source texts by file path, used to print an excerpt under each diagnostic. */
export type SourceTexts = ReadonlyMap<string, string>;
