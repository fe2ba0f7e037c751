/** Questions to the user (confirmations): on stderr, answered on stdin, only when both are terminals. */
import { createInterface } from 'node:readline/promises';
import type { Io } from './io.js';

export async function askYesNo(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

/** The way to ask, or undefined when there is no terminal to ask on (scripts, CI, --json). */
export function asker(io: Io, json: boolean): ((question: string) => Promise<boolean>) | undefined {
  return io.interactive && !json ? askYesNo : undefined;
}
