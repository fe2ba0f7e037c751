/** The command groups, described once. */
import type { Command } from 'commander';
import { group } from '../args.js';

export const pipelineGroup = (p: Command): Command =>
  group(p, 'pipeline', 'validate, compile, draw, activate and inspect pipelines');
export const definitionGroup = (p: Command): Command =>
  group(p, 'definition', 'check, convert, draw and run Data Pipeline definition files');
export const configGroup = (p: Command): Command => group(p, 'config', 'inspect the resolved configuration');
export const alertsGroup = (p: Command): Command =>
  group(p, 'alerts', 'failure, warning and lateness alerts');
export const databaseGroup = (p: Command): Command =>
  group(
    p,
    'database',
    'DDL from table definition files: create, drop, grant; generate from field definitions; diff against the live table',
  );
export const catalogGroup = (p: Command): Command =>
  group(
    p,
    'catalog',
    'data catalog: tables, columns, PII levels, owners, lineage and freshness from the pipeline files',
  );
export const taskGroup = (p: Command): Command =>
  group(
    p,
    'task',
    'helpers that pipeline steps run on the worker (QA checks, pipeline dependencies); not for direct use',
  );
export const transformsGroup = (p: Command): Command =>
  group(p, 'transforms', 'column transforms on the data path (personal data): decrypt encrypted values');
