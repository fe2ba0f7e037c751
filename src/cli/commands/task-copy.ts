/** `etlctl task copy`: a query or S3 data through column transforms into S3 or a table (what a step with `transforms:` runs). */
import type { Command } from 'commander';
import type { CopyTaskReport } from '../../tasks/copy.js';
import type { CommonFlags } from '../args.js';
import { withCommonOptions } from '../args.js';
import { outcome } from '../outcome.js';
import { runCommand } from '../runner.js';
import { taskGroup } from './groups.js';

interface Flags extends CommonFlags {
  fromDatabase?: string;
  query?: string;
  fromS3?: string;
  columns?: string;
  toS3?: string;
  toDatabase?: string;
  table?: string;
  transforms: string;
  pipeline: string;
  step: string;
}

export function register(program: Command): void {
  withCommonOptions(
    taskGroup(program)
      .command('copy')
      .description(
        'stream a query (or S3 data) through column transforms (drop, hmac_sha256, mask, encrypt, tokenize, convert_id) into S3 or a table',
      )
      .requiredOption('--transforms <json>', 'the compiled transforms (JSON list)')
      .option('--from-database <name>', 'source connection (with --query)')
      .option('--query <sql>', 'the SELECT to extract')
      .option('--from-s3 <uri>', 'source S3 data (engine TSV; with --columns)')
      .option('--columns <list>', 'comma-separated column names of the --from-s3 data')
      .option(
        '--to-s3 <uri>',
        'target S3 directory (part-00000; the transforms metadata goes to a sibling _etlctl_meta/<name>.transforms.json)',
      )
      .option('--to-database <name>', 'target connection (with --table)')
      .option('--table <name>', 'target table')
      .option('--pipeline <name>', 'pipeline name, for the report', 'pipeline')
      .option('--step <name>', 'step name, for the report', 'copy'),
  ).action((flags: Flags) =>
    runCommand(
      flags,
      async () => {
        const { runCopyTask } = await import('../../tasks/copy.js');
        const report = await runCopyTask({
          fromDatabase: flags.fromDatabase,
          query: flags.query,
          fromS3: flags.fromS3,
          columns: flags.columns
            ?.split(',')
            .map((c) => c.trim())
            .filter(Boolean),
          toS3: flags.toS3,
          toDatabase: flags.toDatabase,
          table: flags.table,
          transforms: flags.transforms,
          pipeline: flags.pipeline,
          step: flags.step,
          mode: flags.mode,
          configPath: flags.config,
        });
        return outcome<CopyTaskReport>(report);
      },
      async () => (await import('../views/transforms.js')).copyTaskView,
    ),
  );
}
