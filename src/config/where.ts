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

/**
 * The source of a key; when it was not set (a missing `engine:`), of the first leaf beside it or
 * under its closest parent, so the finding points into the mapping it is missing from.
 */
function sourceOf(values: ReadonlyMap<string, ConfigValue>, dotted: string): string | undefined {
  const own = values.get(dotted);
  if (own) return own.source;
  for (let key = dotted; key; key = key.slice(0, Math.max(0, key.lastIndexOf('.')))) {
    const exact = values.get(key);
    if (exact) return exact.source;
    for (const [k, v] of values) if (k.startsWith(`${key}.`) && FILE_SOURCE.test(v.source)) return v.source;
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
