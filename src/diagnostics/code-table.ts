/**
 * The shape of the diagnostic code registry (issue 11): every `ETLnnnn` used anywhere is listed
 * exactly once, in one of the tables under `codes/` (one file per area), with one meaning.
 * `etlctl explain CODE` prints `summary` and `explain`; a test fails when a code is used in
 * src/ or steps/ without an entry, or when one entry is used for two meanings.
 */
export type CodeSeverity = 'error' | 'warning' | 'info';

export interface CodeDoc {
  /** Default severity (a call site may lower an error to a warning only where the doc says so). */
  severity: CodeSeverity;
  /** The area that reports it: spec, config, compile, checker, graph, aws, engine, usage, internal, … */
  category: string;
  /** One line: what the code means (the message template; call sites add the specifics). */
  summary: string;
  /** A paragraph or two for `etlctl explain`: why it happens and what to do. */
  explain: string;
  /** Exit code the command ends with when this error is reported (default 1; 130/143: stopped by a signal). */
  exit?: 1 | 2 | 3 | 130 | 143;
}

export type CodeTable = Readonly<Record<string, CodeDoc>>;
