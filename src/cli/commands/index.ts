/**
 * Every command, one file each, in the order `etlctl --help` lists them. A command file parses its
 * typed arguments, makes one library call (loaded when it runs) and hands the result to its view
 * (src/cli/views/, loaded when it prints).
 *
 * Only the commands of the group named on the command line are registered (all of them for
 * `etlctl --help` and anything unrecognised), so `etlctl pipeline validate` does not load the
 * definition, config, agent or task command files.
 */
import type { Command } from 'commander';

type CommandFile = () => Promise<{ register(program: Command): void }>;

const BY_NAME: [string, CommandFile[]][] = [
  ['init', [() => import('./init.js')]],
  [
    'pipeline',
    [
      () => import('./pipeline-validate.js'),
      () => import('./pipeline-compile.js'),
      () => import('./pipeline-activate.js'),
      () => import('./pipeline-status.js'),
      () => import('./pipeline-visualize.js'),
      () => import('./pipeline-diff.js'),
      () => import('./pipeline-list.js'),
      () => import('./pipeline-deactivate.js'),
      () => import('./pipeline-delete.js'),
      () => import('./pipeline-history.js'),
      () => import('./pipeline-clear.js'),
      // Run actions (issue 14): the same verbs as `etlctl ui`.
      () => import('./pipeline-rerun.js'),
      () => import('./pipeline-backfill.js'),
      () => import('./pipeline-pause.js'),
      () => import('./pipeline-resume.js'),
      () => import('./pipeline-acknowledge.js'),
      () => import('./pipeline-actions.js'),
      () => import('./pipeline-wait.js'),
      // Step selection (issue 18): one step alone.
      () => import('./pipeline-run-step.js'),
    ],
  ],
  [
    'definition',
    [
      () => import('./definition-validate.js'),
      () => import('./definition-convert.js'),
      () => import('./definition-visualize.js'),
      () => import('./definition-run.js'),
    ],
  ],
  ['config', [() => import('./config-explain.js')]],
  ['alerts', [() => import('./alerts-test.js')]],
  [
    'database',
    [
      () => import('./database.js'),
      () => import('./database-generate.js'),
      () => import('./database-diff.js'),
    ],
  ],
  ['catalog', [() => import('./catalog-build.js'), () => import('./catalog-check.js')]],
  ['agent', [() => import('./agent.js')]],
  // AWS Data Pipeline Task Runner (issue 15 e).
  ['worker', [() => import('./worker.js')]],
  ['state', [() => import('./state.js')]],
  ['ui', [() => import('./ui.js')]],
  [
    'task',
    [
      () => import('./task-qa-check.js'),
      () => import('./task-wait-for-pipelines.js'),
      () => import('./task-copy.js'),
    ],
  ],
  ['transforms', [() => import('./transforms-decrypt.js')]],
  ['clean', [() => import('./clean.js')]],
  ['explain', [() => import('./explain.js')]],
  ['schema', [() => import('./schema.js')]],
  ['completion', [() => import('./completion.js')]],
];

/** The top-level command names, in help order. */
export const COMMAND_NAMES = BY_NAME.map(([name]) => name);

/** Register the commands a command line needs (`args`: without `node etlctl`); all without one. */
export async function registerCommands(program: Command, args: readonly string[] = []): Promise<void> {
  const first = args.find((a) => !a.startsWith('-'));
  const wanted = COMMAND_NAMES.includes(first ?? '') ? [first] : COMMAND_NAMES;
  const files = BY_NAME.filter(([name]) => wanted.includes(name)).flatMap(([, list]) => list);
  const modules = await Promise.all(files.map((load) => load()));
  for (const m of modules) m.register(program);
}
