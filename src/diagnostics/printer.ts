/**
 * The human printer: `file:line:col: error ETL1234: message [object …]`, a source excerpt with a
 * caret, and the hint. Bounded whatever the input: each source file is split into lines once per
 * call, long lines are clipped around the column, long messages are shortened, and at most
 * `maxPerFile` diagnostics are printed per file, then one "… N more" line (the JSON printer in
 * src/cli keeps them all).
 */
import type { Diagnostic, SourceTexts } from './types.js';

export interface FormatOptions {
  /** Diagnostics printed per file before a "… N more" line (default 50). */
  maxPerFile?: number;
  /** Widest source excerpt; longer lines are clipped around the column (default 160). */
  width?: number;
  /** Longest message or hint printed (default 1,000 characters). */
  maxText?: number;
}

const DEFAULTS = { maxPerFile: 50, width: 160, maxText: 1000 };

/** Line starts of one text, computed once: line n is text[starts[n-1], starts[n]). */
class SourceLines {
  private readonly starts: number[] = [0];
  constructor(private readonly text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  line(n: number): string | undefined {
    if (!Number.isInteger(n) || n < 1 || n > this.starts.length) return undefined;
    const start = this.starts[n - 1];
    const end = n < this.starts.length ? this.starts[n] - 1 : this.text.length;
    const s = this.text.slice(start, end);
    return s.endsWith('\r') ? s.slice(0, -1) : s;
  }
}

/** Split each source at most once per printing call. */
class SourceCache {
  private readonly lines = new Map<string, SourceLines | undefined>();
  constructor(private readonly sources: SourceTexts | undefined) {}

  line(file: string, n: number): string | undefined {
    if (!this.sources) return undefined;
    if (!this.lines.has(file)) {
      const text = this.sources.get(file);
      this.lines.set(file, text === undefined ? undefined : new SourceLines(text));
    }
    return this.lines.get(file)?.line(n);
  }
}

export function clipText(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

/** The part of a long line around the column, with `…` where it was cut, and the caret offset in it. */
function clipLine(src: string, column: number | undefined, width: number): { text: string; caret?: number } {
  const col = column && column >= 1 ? column - 1 : undefined;
  if (src.length <= width) return { text: src, caret: col };
  const center = col ?? 0;
  const start = Math.max(0, Math.min(center - Math.floor(width / 2), src.length - width));
  const end = start + width;
  const prefix = start > 0 ? '…' : '';
  const text = prefix + src.slice(start, end) + (end < src.length ? '…' : '');
  return { text, caret: col === undefined ? undefined : col - start + prefix.length };
}

function excerpt(d: Diagnostic, cache: SourceCache, width: number): string[] {
  if (!d.file || !d.line) return [];
  const src = cache.line(d.file, d.line);
  if (src === undefined) return [];
  const num = String(d.line);
  const { text, caret } = clipLine(src, d.column, width);
  const out = [`  ${num} | ${text}`];
  if (caret !== undefined) out.push(`  ${' '.repeat(num.length)} | ${' '.repeat(caret)}^`);
  return out;
}

function formatOne(d: Diagnostic, cache: SourceCache, o: Required<FormatOptions>): string {
  const where = d.file ? `${d.file}${d.line ? `:${d.line}${d.column ? `:${d.column}` : ''}` : ''}: ` : '';
  const about = d.objectId ? ` [object ${d.objectId}${d.field ? `, field ${d.field}` : ''}]` : '';
  const lines = [`${where}${d.severity} ${d.code}: ${clipText(d.message, o.maxText)}${about}`];
  lines.push(...excerpt(d, cache, o.width));
  if (d.hint) lines.push(`  hint: ${clipText(d.hint, o.maxText)}`);
  return lines.join('\n');
}

export function formatDiagnostic(d: Diagnostic, sources?: SourceTexts, opts: FormatOptions = {}): string {
  return formatOne(d, new SourceCache(sources), { ...DEFAULTS, ...opts });
}

export function formatDiagnostics(
  list: readonly Diagnostic[],
  sources?: SourceTexts,
  opts: FormatOptions = {},
): string {
  const o = { ...DEFAULTS, ...opts };
  const cache = new SourceCache(sources);
  const total = new Map<string, number>();
  for (const d of list) total.set(d.file ?? '', (total.get(d.file ?? '') ?? 0) + 1);
  const printed = new Map<string, number>();
  const out: string[] = [];
  for (const d of list) {
    const file = d.file ?? '';
    const n = (printed.get(file) ?? 0) + 1;
    printed.set(file, n);
    if (n > o.maxPerFile) continue;
    out.push(formatOne(d, cache, o));
    const all = total.get(file) ?? 0;
    if (n === o.maxPerFile && all > n) {
      const more = all - n;
      out.push(
        `… ${more} more diagnostic${more === 1 ? '' : 's'}${file ? ` in ${file}` : ''} (--json lists them all)`,
      );
    }
  }
  return out.join('\n');
}

export function summarize(list: readonly Diagnostic[]): string {
  const errors = list.filter((d) => d.severity === 'error').length;
  const warnings = list.filter((d) => d.severity === 'warning').length;
  return `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
}
