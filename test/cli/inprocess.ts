/** Run etlctl in this process (src/, not dist/) with its output captured: fast enough to cover every case. */
import { run } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/io.js';
import { setIo } from '../../src/cli/io.js';

export interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

export async function etlctlInProcess(args: string[], opts: { cwd?: string } = {}): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const sink: Io = {
    out: (t) => (stdout += t.endsWith('\n') ? t : t + '\n'),
    err: (t) => (stderr += t.endsWith('\n') ? t : t + '\n'),
    raw: (t) => (stdout += t),
    tty: false,
    columns: 120,
    interactive: false,
  };
  const prev = setIo(sink);
  const cwd = process.cwd();
  if (opts.cwd) process.chdir(opts.cwd);
  try {
    const code = await run(args);
    return { code, stdout, stderr };
  } finally {
    if (opts.cwd) process.chdir(cwd);
    setIo(prev);
  }
}
