/**
 * Config findings at their file and line (issue 12): they used to say "(from config.yaml:12)"
 * inside the message and carry no location, so editors and `--json` readers could not jump to
 * them. A value that came from a file gets that file:line as its location; one from the
 * environment or the command line keeps saying where it came from in the message.
 */
import type { Diagnostic } from '../diagnostics/index.js';
import type { ConfigValue } from './types.js';

/** `file.yaml:12` or `mode prod (file.yaml:12)`, as the layers describe a file value. */
const FILE_SOURCE = /^(?:mode .+ \()?(.+):(\d+)\)?$/;

/** The source of a key, of its first leaf when it holds a mapping, or of its closest parent. */
function sourceOf(values: ReadonlyMap<string, ConfigValue>, dotted: string): string | undefined {
  const own = values.get(dotted);
  if (own) return own.source;
  for (const [key, v] of values) if (key.startsWith(`${dotted}.`)) return v.source;
  for (let key = dotted; key; key = key.slice(0, Math.max(0, key.lastIndexOf('.')))) {
    const v = values.get(key);
    if (v) return v.source;
  }
  return undefined;
}

export function locateConfigFindings(
  list: readonly Diagnostic[],
  values: ReadonlyMap<string, ConfigValue>,
  displayFile: string | undefined,
): Diagnostic[] {
  return list.map((d) => {
    if (d.line !== undefined || d.field === undefined) return { ...d, file: d.file ?? displayFile };
    const source = sourceOf(values, d.field);
    const m = source === undefined ? null : FILE_SOURCE.exec(source);
    if (!m || source === undefined) return { ...d, file: d.file ?? displayFile };
    const message = d.message.replace(` (from ${source})`, '').replace(/ \(from config\)$/, '');
    return { ...d, message, file: m[1], line: Number(m[2]) };
  });
}
