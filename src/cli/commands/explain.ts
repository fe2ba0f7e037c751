/** `etlctl explain ETL1234`: the documentation of a diagnostic code (like `rustc --explain`). */
import type { Command } from 'commander';
import { closest, diag, EtlError, ExitCode } from '../../diagnostics/index.js';
import { withJson } from '../args.js';
import { outcome } from '../outcome.js';
import { runCommand } from '../runner.js';
import type { OutputFlags } from '../runner.js';

export function register(program: Command): void {
  withJson(
    program
      .command('explain')
      .description('print what a diagnostic code means and what to do about it (e.g. etlctl explain ETL2004)')
      .argument('<code>', 'a diagnostic code, e.g. ETL2004 (the ETL prefix may be left out)'),
  ).action((code: string, flags: OutputFlags) =>
    runCommand(
      flags,
      async () => {
        const wanted = /^\d{4}$/.test(code.trim()) ? `ETL${code.trim()}` : code.trim().toUpperCase();
        const { loadRegistry } = await import('../../diagnostics/registry.js');
        const registry = await loadRegistry();
        const doc = registry.get(wanted);
        if (!doc) {
          const near = closest(wanted, registry.keys());
          throw new EtlError(
            diag('ETL8105', `unknown diagnostic code '${code}'`, {
              hint: near ? `did you mean ${near}?` : 'codes are written ETL and four digits, e.g. ETL2004',
            }),
            ExitCode.USAGE,
          );
        }
        return outcome({
          code: doc.code,
          severity: doc.severity,
          category: doc.category,
          summary: doc.summary,
          explain: doc.explain,
          exitCode: doc.exit ?? 1,
        });
      },
      () => import('../views/explain.js').then((m) => m.explainView),
    ),
  );
}
