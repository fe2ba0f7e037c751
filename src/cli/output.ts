/** Writing output files named on the command line; a failure is an environment error (ETL8116, exit 3). */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { diag, EtlError, ExitCode } from '../diagnostics/index.js';

export function cannotWrite(what: string, e: unknown): EtlError {
  return new EtlError(
    diag('ETL8116', `cannot write ${what}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, {
      hint: 'check that the folder is writable (and is not a file)',
    }),
    ExitCode.ENVIRONMENT,
  );
}

export async function writeOutput(path: string, data: string | Uint8Array, shown = path): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, data);
  } catch (e) {
    throw cannotWrite(shown, e);
  }
}
