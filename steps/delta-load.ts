/**
 * delta-load: upsert only the source rows whose date_column is at or after the destination's
 * latest value minus `window` days (reference/dataduct.md §2.3).
 */
import { didYouMean } from '../src/diagnostics.js';
import { compileUpsert, UPSERT_PARAMS } from './upsert.js';
import type { StepPlugin } from './types.js';

const plugin: StepPlugin = {
  type: 'delta-load',
  summary: 'Upsert only the source rows newer than what the destination already has',
  input: 'none',
  params: {
    properties: {
      ...UPSERT_PARAMS,
      date_column: {
        type: 'string',
        minLength: 1,
        description: 'date/timestamp column compared with the destination maximum',
      },
      window: {
        type: 'integer',
        minimum: 0,
        description: 'days to re-load before the destination maximum (default 0)',
      },
    },
    required: ['destination', 'date_column'],
  },
  exactlyOne: [['source', 'sql', 'script']],
  compile(ctx) {
    const dest = ctx.tableDefinition('destination');
    if (!dest) return;
    const column = ctx.str('date_column') as string;
    const names = dest.columns.map((c) => c.name);
    // The column as the table definition names it, so it is quoted as what it is.
    const actual =
      names.find((n) => n === column) ?? names.find((n) => n.toLowerCase() === column.toLowerCase());
    if (actual === undefined) {
      ctx.error(
        'ETL3301',
        `date_column '${column}' is not a column of ${dest.fullName}`,
        ['date_column'],
        didYouMean(column, names) ?? `columns: ${names.join(', ')}`,
      );
      return;
    }
    compileUpsert(ctx, {
      delta: { column: actual, window: typeof ctx.params.window === 'number' ? ctx.params.window : 0 },
    });
  },
};

export default plugin;
