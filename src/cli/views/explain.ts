/** `etlctl explain` for humans: the code, its one-line summary, then the paragraph, wrapped. */
import type { View } from '../runner.js';

export interface ExplainResult {
  code: string;
  severity: string;
  category: string;
  summary: string;
  explain: string;
  /** The exit code a command ends with when it reports this code as an error. */
  exitCode: number;
}

export function wrap(text: string, width = 88): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

export const explainView: View<ExplainResult> = {
  human(o, io) {
    const r = o.result!;
    io.out(`${r.code}: ${r.summary}`);
    io.out(`(${r.severity}, ${r.category}; exit code ${r.exitCode} when reported as an error)`);
    io.out('');
    io.out(wrap(r.explain).join('\n'));
  },
};
