/** reload: replace a table's rows with a source's (upsert with delete_existing forced on). */
import { compileUpsert, UPSERT_PARAMS } from './upsert.js';
import type { StepPlugin } from './types.js';

const { delete_existing: _forced, ...RELOAD_PARAMS } = UPSERT_PARAMS;

const plugin: StepPlugin = {
  type: 'reload',
  summary: 'Replace all rows of a destination table with a source table or query, in one transaction',
  input: 'none',
  params: { properties: RELOAD_PARAMS, required: ['destination'] },
  exactlyOne: [['source', 'sql', 'script']],
  compile(ctx) {
    compileUpsert(ctx, { deleteExisting: true });
  },
};

export default plugin;
