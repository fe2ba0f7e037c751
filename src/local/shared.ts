/**
 * What a shared state store asks of the config (issue 15, "data between machines"): agents on
 * other machines run the next step, so data handed between steps must be where every machine
 * sees it — an S3-compatible endpoint (`local.s3_endpoint`) or a state directory marked shared
 * (`local.shared_path: true`) — and a database must be a server: an embedded PGlite database
 * lives in one machine's state directory. Checked before anything is recorded or run.
 */
import type { Definition } from '../definition/model.js';
import type { Diagnostic } from '../diagnostics.js';
import { diag } from '../diagnostics.js';
import type { EngineConfig } from './connections.js';
import { ObjectGraph } from './objects.js';

const DATABASE_TYPES = new Set(['RdsDatabase', 'JdbcDatabase', 'RedshiftDatabase']);

export function sharedStoreProblems(config: EngineConfig, def?: Definition): Diagnostic[] {
  const local = config.local;
  const problems: Diagnostic[] = [];
  if (!local?.s3Endpoint && !local?.sharedPath) {
    problems.push(
      diag(
        'ETL7810',
        'with a shared state store (local.state_url), steps on other machines cannot read the local S3 folder',
        {
          field: 'local.s3_endpoint',
          hint: 'set local.s3_endpoint to an S3-compatible endpoint every agent reaches, or local.shared_path: true when local.state_dir is on a network file system every agent mounts',
        },
      ),
    );
  }
  const embedded = (name: string, url: string | undefined): void => {
    if (url && !url.startsWith('pglite:')) return;
    problems.push(
      diag(
        'ETL7811',
        `database '${name}' is an embedded PGlite database, which agents on other machines cannot share`,
        {
          field: `databases.${name}.url`,
          hint: 'give it a server URL (postgres://…, mysql://…) every agent reaches, or run without local.state_url',
        },
      ),
    );
  };
  const dbs = config.databases ?? {};
  if (!def) {
    for (const [name, d] of Object.entries(dbs)) embedded(name, d.url);
    return problems;
  }
  // With a definition: the databases it uses (a database object without a connection is embedded).
  const graph = new ObjectGraph(def, {});
  for (const o of def.objects) {
    if (!DATABASE_TYPES.has(graph.type(o) ?? '')) continue;
    const name = graph.str(o, 'myConnection') ?? o.id;
    const cfg = dbs[name];
    if (cfg) embedded(name, cfg.url);
    else if (!graph.str(o, 'rdsInstanceId') && !graph.str(o, 'clusterId')) embedded(name, undefined);
  }
  return problems;
}
