/** Shorthands for writing the code tables under codes/ (the CodeDoc shape is in code-table.ts). */
import type { CodeDoc } from './code-table.js';

type Exit = CodeDoc['exit'];

export function error(category: string, summary: string, explain: string, exit?: Exit): CodeDoc {
  return { severity: 'error', category, summary, explain, ...(exit ? { exit } : {}) };
}

export function warning(category: string, summary: string, explain: string): CodeDoc {
  return { severity: 'warning', category, summary, explain };
}

export function info(category: string, summary: string, explain: string): CodeDoc {
  return { severity: 'info', category, summary, explain };
}
