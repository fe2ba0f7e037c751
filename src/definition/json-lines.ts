/**
 * Positions in definition JSON text, for diagnostics: where a JSON.parse error is, and the line
 * of each object's `"id"`. One linear pass per file (issue 12: a per-finding search made
 * `definition validate` quadratic).
 */
import { lineLocator } from '../spec/line-index.js';

export interface Position {
  line?: number;
  column?: number;
}

/** JSON.parse error → 1-based line/column (Node says "at position N", "line L column C", or neither). */
export function jsonErrorPosition(text: string, message: string): Position {
  const lc = /line (\d+) column (\d+)/.exec(message);
  if (lc) return { line: Number(lc[1]), column: Number(lc[2]) };
  const pos = /position (\d+)/.exec(message);
  const at = lineLocator(text);
  if (pos) return at(Math.min(Number(pos[1]), text.length));
  // "Unexpected end of JSON input": the error is where the text ends.
  if (/end of JSON/i.test(message)) return at(text.length);
  // Newer messages quote the start of the text instead of a position.
  const start = /^\s*/.exec(text)?.[0].length ?? 0;
  return at(start);
}

const LONG_LINE = 240;

/**
 * The position of the first `"id": "<id>"` of each object. On a readable file the line is enough
 * (the excerpt shows it); on a long (minified) line the column says where in it.
 */
export function objectLineIndex(text: string): (id: string) => Position | undefined {
  let found: Map<string, Position> | undefined;
  return (id) => {
    if (!found) {
      found = new Map();
      const at = lineLocator(text);
      const re = /"id"\s*:\s*("(?:[^"\\]|\\.)*")/g;
      for (let m = re.exec(text); m; m = re.exec(text)) {
        let key: string;
        try {
          key = JSON.parse(m[1]) as string;
        } catch {
          continue;
        }
        if (found.has(key)) continue;
        const { line, column } = at(m.index);
        const lineEnd = text.indexOf('\n', m.index);
        const lineLength = (lineEnd < 0 ? text.length : lineEnd) - (m.index - column + 1);
        found.set(key, lineLength > LONG_LINE ? { line, column } : { line });
      }
    }
    return found.get(id);
  };
}
