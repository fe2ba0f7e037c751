/**
 * The JSON printer: exactly one document on stdout, the same envelope on success and failure,
 * `{"ok", "exitCode", "diagnostics", "result"}` (schemas/envelope.schema.json). Every diagnostic is
 * kept, within bounds a machine can still read: at most MAX_DIAGNOSTICS entries (then one ETL8130
 * saying how many were left out) and MAX_TEXT characters per message and hint.
 */
import type { Diagnostic } from '../../diagnostics/index.js';
import { clipText, sortDiagnostics } from '../../diagnostics/index.js';
import type { Io } from '../io.js';
import type { Outcome } from '../outcome.js';

export const MAX_DIAGNOSTICS = 10_000;
export const MAX_TEXT = 2000;

export interface Envelope {
  ok: boolean;
  exitCode: number;
  diagnostics: Diagnostic[];
  result: unknown;
}

export function boundDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  const sorted = sortDiagnostics(list);
  const kept = sorted.slice(0, MAX_DIAGNOSTICS).map((d) => {
    const b: Diagnostic = { ...d, message: clipText(d.message, MAX_TEXT) };
    if (d.hint !== undefined) b.hint = clipText(d.hint, MAX_TEXT);
    return b;
  });
  if (sorted.length > MAX_DIAGNOSTICS) {
    kept.push({
      code: 'ETL8130',
      severity: 'info',
      message: `${sorted.length - MAX_DIAGNOSTICS} more diagnostics were left out of this output`,
      hint: 'fix the first ones and run again',
    });
  }
  return kept;
}

export function envelope(o: Outcome): Envelope {
  return {
    ok: o.exitCode === 0,
    exitCode: o.exitCode,
    diagnostics: boundDiagnostics(o.diagnostics),
    result: o.result ?? null,
  };
}

export function printEnvelope(io: Io, o: Outcome): void {
  io.out(JSON.stringify(envelope(o), null, 2));
}

/** One NDJSON line of a `--json-stream` (events, then the envelope as the last line). */
export function printStreamLine(io: Io, value: unknown): void {
  io.out(JSON.stringify(value));
}
