/**
 * Every schema etlctl validates with, for the build step that pre-generates their validators
 * (scripts/gen-validators.mjs). A schema missing here still works: it is compiled at run time.
 */
import { STEP_PLUGINS, stepSchema } from '../../steps/index.js';
import { CHECK_SCHEMAS } from '../../steps/qa-common.js';
import { PIPELINE_SCHEMA } from './pipeline.js';

export function knownSchemas(): object[] {
  return [PIPELINE_SCHEMA, ...STEP_PLUGINS.map(stepSchema), ...Object.values(CHECK_SCHEMAS)];
}
