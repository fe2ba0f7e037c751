// Build step: saves `etlctl --help` as built, so bin/etlctl can print it without loading the CLI
// (start-up target, issue 7). Generated from the real program, so it cannot drift from it.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';

const bin = fileURLToPath(new URL('../bin/etlctl', import.meta.url));
const out = new URL('../dist/help.txt', import.meta.url);
const r = spawnSync(process.execPath, [bin, '--help'], {
  encoding: 'utf8',
  env: { ...process.env, ETLCTL_NO_HELP_CACHE: '1', COLUMNS: '80' },
});
if (r.status === 0 && r.stdout) {
  writeFileSync(out, r.stdout);
  process.stderr.write(`gen-help: ${fileURLToPath(out)}\n`);
} else {
  // Not fatal: bin/etlctl falls back to commander when the file is missing.
  process.stderr.write(`gen-help: warning: could not capture --help (${r.stderr || r.status})\n`);
}
