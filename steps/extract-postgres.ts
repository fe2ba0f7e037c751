/**
 * extract-postgres: a Postgres table or query → TSV on S3 (SqlDataNode → CopyActivity), like
 * extract-rds. The connection is `host_name`, or the config's only Postgres connection.
 */
import { postgresConnection } from './connections.js';
import { compileSqlExtract } from './extract-rds.js';
import { SOURCE_DEFINITION_PARAM, TRANSFORMS_PARAM } from './pii-common.js';
import type { StepPlugin } from './types.js';

const plugin: StepPlugin = {
  type: 'extract-postgres',
  summary: 'Extract a table or query from a Postgres database to TSV files on S3',
  input: 'none',
  params: {
    properties: {
      table: { type: 'string', minLength: 1, description: 'table to extract (SELECT * FROM table)' },
      sql: { type: 'string', minLength: 1, description: 'query to extract' },
      host_name: {
        type: 'string',
        description: 'Postgres connection name (default: the only Postgres connection in the config)',
      },
      transforms: TRANSFORMS_PARAM,
      table_definition: SOURCE_DEFINITION_PARAM,
    },
  },
  exactlyOne: [['table', 'sql']],
  compile(ctx) {
    return compileSqlExtract(ctx, { source: postgresConnection(ctx, 'host_name') });
  },
};

export default plugin;
