/**
 * Removing lines from a log other processes append to (the alert log: the engine, the agent and
 * `alerts test` append with O_APPEND, no lock). Reading the file, filtering it and writing it back
 * would lose a line appended in between. Instead the log is moved aside (an atomic rename: from
 * then on appenders create a fresh file), the moved file is filtered once appends to it have
 * settled, and the result is put back in front of whatever was appended meanwhile: the fresh file
 * is taken over by rename too, its lines added at the end, and the result is installed with
 * link(), which fails if an appender created the file again — then that file is taken over as
 * well, until the install succeeds. Every appended line survives, in order.
 */
import { appendFile, link, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';

const SETTLE_MS = 25;

function isCode(e: unknown, code: string): boolean {
  return (e as NodeJS.ErrnoException)?.code === code;
}

/** The content of `path`, read again until its size stops changing (a late append lands). */
async function settledText(path: string): Promise<string> {
  let before = -1;
  for (;;) {
    const size = (await stat(path)).size;
    if (size === before) return readFile(path, 'utf8');
    before = size;
    await new Promise((r) => setTimeout(r, SETTLE_MS));
  }
}

/**
 * Rewrites `path` as `keep(lines)` of its current lines (without the final empty one), keeping
 * every line appended while it works. Resolves with false when there was no file.
 */
export async function rewriteAppendLog(path: string, keep: (lines: string[]) => string[]): Promise<boolean> {
  const tag = `${process.pid}.${Date.now()}`;
  const aside = `${path}.cleaning.${tag}`;
  const next = `${path}.next.${tag}`;
  try {
    await rename(path, aside);
  } catch (e) {
    if (isCode(e, 'ENOENT')) return false;
    throw e;
  }
  const text = await settledText(aside);
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const kept = keep(lines);
  await writeFile(next, kept.length ? kept.join('\n') + '\n' : '');
  await unlink(aside);
  for (let round = 0; ; round++) {
    try {
      await link(next, path);
      await unlink(next);
      return true;
    } catch (e) {
      if (!isCode(e, 'EEXIST') || round > 1000) throw e;
    }
    // An appender created the log again meanwhile: take its lines over, after ours.
    const more = `${path}.more.${tag}`;
    try {
      await rename(path, more);
    } catch (e) {
      if (isCode(e, 'ENOENT')) continue;
      throw e;
    }
    await appendFile(next, await settledText(more));
    await unlink(more);
  }
}
