/**
 * Every command, one file each, registered in the order `etlctl --help` lists them. A command
 * file parses its typed arguments, makes one library call (loaded when it runs) and hands the
 * result to its view (src/cli/views/).
 */
import type { Command } from 'commander';
import { register as agent } from './agent.js';
import { register as alertsTest } from './alerts-test.js';
import { register as configExplain } from './config-explain.js';
import { register as database } from './database.js';
import { register as definitionConvert } from './definition-convert.js';
import { register as definitionRun } from './definition-run.js';
import { register as definitionValidate } from './definition-validate.js';
import { register as definitionVisualize } from './definition-visualize.js';
import { register as explain } from './explain.js';
import { register as pipelineActivate } from './pipeline-activate.js';
import { register as pipelineCompile } from './pipeline-compile.js';
import { register as pipelineDeactivate } from './pipeline-deactivate.js';
import { register as pipelineDelete } from './pipeline-delete.js';
import { register as pipelineDiff } from './pipeline-diff.js';
import { register as pipelineHistory } from './pipeline-history.js';
import { register as pipelineList } from './pipeline-list.js';
import { register as pipelineStatus } from './pipeline-status.js';
import { register as pipelineValidate } from './pipeline-validate.js';
import { register as pipelineVisualize } from './pipeline-visualize.js';
import { register as taskQaCheck } from './task-qa-check.js';
import { register as taskWaitForPipelines } from './task-wait-for-pipelines.js';

export const COMMANDS: ((program: Command) => void)[] = [
  pipelineValidate,
  pipelineCompile,
  pipelineActivate,
  pipelineStatus,
  pipelineVisualize,
  pipelineDiff,
  pipelineList,
  pipelineDeactivate,
  pipelineDelete,
  pipelineHistory,
  definitionValidate,
  definitionConvert,
  definitionVisualize,
  definitionRun,
  configExplain,
  alertsTest,
  database,
  agent,
  taskQaCheck,
  taskWaitForPipelines,
  explain,
];

export function registerCommands(program: Command): void {
  for (const register of COMMANDS) register(program);
}
