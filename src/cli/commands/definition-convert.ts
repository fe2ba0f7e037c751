/** `etlctl definition convert`: between the definition-file and the API format (aws-cli rules). */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { Option } from 'commander';
import { diag, EtlError, ExitCode } from '../../diagnostics/index.js';
import { withJson } from '../args.js';
import { outcome } from '../outcome.js';
import type { OutputFlags } from '../runner.js';
import { runCommand } from '../runner.js';
import type { ConvertResult } from '../views/definition-convert.js';
import { definitionGroup } from './groups.js';

interface Flags extends OutputFlags {
  to: 'file' | 'api';
  output?: string;
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new EtlError(
      diag('ETL8003', code === 'ENOENT' ? 'file not found' : `cannot read file (${code ?? String(e)})`, {
        file,
        hint: 'check the path',
      }),
      ExitCode.USAGE,
    );
  }
}

export function register(program: Command): void {
  withJson(
    definitionGroup(program)
      .command('convert')
      .description('convert a definition between the file format and the API format (aws-cli rules)')
      .argument('<file>', 'definition JSON file'),
  )
    .addOption(
      new Option('--to <format>', "target format: 'file' or 'api'")
        .choices(['file', 'api'])
        .makeOptionMandatory(),
    )
    .option('-o, --output <path>', 'write to this file instead of stdout')
    .action((file: string, flags: Flags) =>
      runCommand(
        flags,
        async () => {
          const text = readText(file);
          // Size, nesting and syntax with the error's own position (issue 12).
          const { parseDefinitionText, locateFindings } = await import('../../definition/json-scan.js');
          const parsed = parseDefinitionText(text, file, { syntax: 'ETL4001' });
          if (parsed.json === undefined)
            return outcome<ConvertResult>(null, parsed.diagnostics, undefined, new Map([[file, text]]));
          const json = parsed.json;
          const { convertDefinitionJson } = await import('../../definition/convert.js');
          const converted = convertDefinitionJson(json, flags.to, file);
          converted.diagnostics = locateFindings(converted.diagnostics, parsed, file, text);
          const sources = new Map([[file, text]]);
          if (!converted.output)
            return outcome<ConvertResult>(null, converted.diagnostics, undefined, sources);
          const result: ConvertResult = { from: converted.from, to: flags.to, output: flags.output ?? null };
          const { writeOutput } = await import('../output.js');
          if (flags.output) await writeOutput(flags.output, JSON.stringify(converted.output, null, 2) + '\n');
          else result.definition = converted.output;
          return outcome(result, converted.diagnostics, undefined, sources);
        },
        () => import('../views/definition-convert.js').then((m) => m.definitionConvertView),
      ),
    );
}
