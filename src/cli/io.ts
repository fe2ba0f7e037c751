/**
 * Where the CLI writes: stdout for results, stderr for diagnostics and progress. The only module
 * that touches process.stdout/stderr (tests swap the sink with `setIo`).
 */

export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Raw write to stdout without a newline (the live status line on a terminal). */
  raw(text: string): void;
  /** stdout is a terminal (progress status line) and how wide it is. */
  readonly tty: boolean;
  readonly columns: number;
  /** stdin and stderr are terminals, so a question can be asked. */
  readonly interactive: boolean;
}

// `etlctl … | head` closes our stdout early; a long run must go on (and finish its steps) rather
// than die on EPIPE, so writes to a closed stream are dropped.
const closed = new Set<NodeJS.WriteStream>();
function guard(stream: NodeJS.WriteStream): void {
  if (stream.listenerCount('error') > 0) return;
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') closed.add(stream);
    else throw e;
  });
}

function write(stream: NodeJS.WriteStream, text: string): void {
  guard(stream);
  if (!closed.has(stream)) stream.write(text);
}

const processIo: Io = {
  out: (text) => write(process.stdout, text.endsWith('\n') ? text : text + '\n'),
  err: (text) => write(process.stderr, text.endsWith('\n') ? text : text + '\n'),
  raw: (text) => write(process.stdout, text),
  get tty() {
    return Boolean(process.stdout.isTTY);
  },
  get columns() {
    return process.stdout.columns || 120;
  },
  get interactive() {
    return Boolean(process.stdin.isTTY && process.stderr.isTTY);
  },
};

let current: Io = processIo;

export function io(): Io {
  return current;
}

/** Replace the sink (tests); returns the previous one. */
export function setIo(next: Io): Io {
  const prev = current;
  current = next;
  return prev;
}
