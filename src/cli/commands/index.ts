/** Every command, registered in the order `etlctl --help` lists them. */
import type { Command } from 'commander';
import { registerPipelineCommands } from '../pipeline.js';
import { registerDefinitionCommands } from '../definition.js';
import { registerConfigCommands } from '../config.js';
import { registerVisualizeCommands } from '../visualize.js';
import { registerAwsCommands } from '../aws.js';
import { registerLocalCommands } from '../local.js';
import { register as explain } from './explain.js';

export function registerCommands(program: Command): void {
  registerPipelineCommands(program);
  registerDefinitionCommands(program);
  registerConfigCommands(program);
  registerVisualizeCommands(program);
  registerAwsCommands(program);
  registerLocalCommands(program);
  explain(program);
}
