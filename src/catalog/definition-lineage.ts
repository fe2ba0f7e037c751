/**
 * Lineage of a Definition (issue 16): for every activity, the datasets it reads and writes and,
 * where the SQL allows, which input columns each output column comes from. It reads only Data
 * Pipeline objects — the same input the local engine runs — so the catalog (over compiled
 * pipelines) and the OpenLineage emitter (over a running definition) agree by construction.
 *
 *   CopyActivity / RedshiftCopyActivity   input node → output node, columns by position
 *   SqlActivity                           its script (src/catalog/sql-lineage.ts)
 *   ShellCommandActivity, Emr…/Hive…/Pig… input/output nodes (the command is opaque), and the
 *                                         tables an `etlctl task qa-check` reads
 */
import { readFileSync } from 'node:fs';
import { parseTableDefinition } from '../compile/table-definition.js';
import type { Definition, PipelineObject } from '../definition/model.js';
import { indexById, objectType, refsOf, stringField } from '../definition/model.js';
import type { DatabaseIdentity, DatasetId, NamingContext } from './datasets.js';
import { databaseIdentity, normalizeTable, s3Dataset, tableDataset } from './datasets.js';
import type { ColumnSource, FlowKind } from './sql-lineage.js';
import { analyzeQuery, analyzeScript } from './sql-lineage.js';

export interface ColumnInfo {
  name: string;
  type?: string;
}

export interface InputField {
  dataset: string;
  column: string;
  kind: FlowKind;
}

export interface ActivityLineage {
  objectId: string;
  type: string;
  step?: string;
  stepType?: string;
  inputs: string[];
  outputs: string[];
  /** Output dataset key → output column → the input columns it is computed from. */
  columns: Map<string, Map<string, InputField[]>>;
}

export interface DefinitionLineage {
  activities: ActivityLineage[];
  datasets: Map<string, DatasetId>;
  /** Columns known per dataset key (from CREATE statements, table definitions, producers). */
  columns: Map<string, ColumnInfo[]>;
}

export interface LineageContext extends NamingContext {
  /** Columns of a table from outside the definition (the catalog's table definition files). */
  columnsOf?: (connection: string, table: string) => ColumnInfo[] | undefined;
}

const DATA_ACTIVITIES = new Set(['CopyActivity', 'RedshiftCopyActivity']);
const OPAQUE_ACTIVITIES = new Set([
  'ShellCommandActivity',
  'EmrActivity',
  'HiveActivity',
  'HiveCopyActivity',
  'PigActivity',
  'HadoopActivity',
]);

class Builder {
  readonly datasets = new Map<string, DatasetId>();
  readonly columns = new Map<string, ColumnInfo[]>();
  private readonly byId: Map<string, PipelineObject>;
  private readonly identities = new Map<string, DatabaseIdentity>();

  constructor(
    private readonly def: Definition,
    private readonly ctx: LineageContext,
  ) {
    this.byId = indexById(def);
  }

  private ref(obj: PipelineObject, field: string): PipelineObject | undefined {
    const id = refsOf(obj, field)[0];
    return id ? this.byId.get(id) : undefined;
  }

  identity(db: PipelineObject): DatabaseIdentity {
    let id = this.identities.get(db.id);
    if (!id) this.identities.set(db.id, (id = databaseIdentity(db, this.ctx)));
    return id;
  }

  add(d: DatasetId): string {
    if (!this.datasets.has(d.key)) this.datasets.set(d.key, d);
    return d.key;
  }

  table(db: PipelineObject, name: string): DatasetId {
    const d = tableDataset(this.identity(db), name);
    this.add(d);
    if (!this.columns.has(d.key)) {
      const known = this.ctx.columnsOf?.(d.connection!, d.table!);
      if (known) this.columns.set(d.key, known);
    }
    return d;
  }

  /** The dataset of a data node, and the node's own column knowledge. */
  node(n: PipelineObject): DatasetId | undefined {
    const type = objectType(n);
    if (type === 'S3DataNode') {
      const uri = stringField(n, 'directoryPath') ?? stringField(n, 'filePath');
      return uri ? this.datasets.get(this.add(s3Dataset(uri))) : undefined;
    }
    if (type !== 'SqlDataNode' && type !== 'RedshiftDataNode' && type !== 'MySqlDataNode') return undefined;
    const db = this.ref(n, 'database');
    const tableName = stringField(n, 'tableName') ?? stringField(n, 'table');
    if (!db || !tableName) return undefined;
    const schema = stringField(n, 'schemaName');
    const d = this.table(db, schema && !tableName.includes('.') ? `${schema}.${tableName}` : tableName);
    const create = stringField(n, 'createTableSql');
    if (create) this.learnCreate(d.key, create);
    return d;
  }

  learnCreate(key: string, sql: string): void {
    const cols = createdColumns(sql);
    if (cols) this.columns.set(key, cols);
  }

  columnNames(key: string): string[] | undefined {
    return this.columns.get(key)?.map((c) => c.name);
  }

  script(a: PipelineObject): string | undefined {
    const inline = stringField(a, 'script');
    if (inline) return inline;
    const uri = stringField(a, 'scriptUri');
    const asset = uri ? this.def.meta?.assets.find((x) => x.uri === uri) : undefined;
    if (asset?.content !== undefined) return asset.content;
    try {
      return asset?.localPath ? readFileSync(asset.localPath, 'utf8') : undefined;
    } catch {
      return undefined;
    }
  }

  activity(a: PipelineObject, type: string): ActivityLineage {
    const out: ActivityLineage = {
      objectId: a.id,
      type,
      step: a.origin?.step,
      stepType: a.origin?.stepType,
      inputs: [],
      outputs: [],
      columns: new Map(),
    };
    if (DATA_ACTIVITIES.has(type)) this.copy(a, out);
    else if (type === 'SqlActivity') this.sql(a, out);
    else if (OPAQUE_ACTIVITIES.has(type)) this.opaque(a, out);
    out.inputs = [...new Set(out.inputs)];
    out.outputs = [...new Set(out.outputs)];
    return out;
  }

  /** Input → output with columns by position: a query's select list, a file's columns, a table's. */
  private copy(a: PipelineObject, out: ActivityLineage): void {
    const inNode = this.ref(a, 'input');
    const outNode = this.ref(a, 'output');
    const inDs = inNode ? this.node(inNode) : undefined;
    const outDs = outNode ? this.node(outNode) : undefined;
    let fields: { name: string; sources: InputField[] }[] | undefined;
    const query = inNode ? stringField(inNode, 'selectQuery') : undefined;
    if (inNode && inDs?.kind === 'table' && query) {
      const db = this.ref(inNode, 'database')!;
      const id = this.identity(db);
      const res = analyzeQuery(query, {
        mysql: id.engine === 'mysql',
        columnsOf: (t) => this.columnNames(tableDataset(id, t).key),
      });
      const reads = res.reads.length > 0 ? res.reads.map((t) => this.table(db, t).key) : [inDs.key];
      out.inputs.push(...reads);
      fields = res.columns.map((c) => ({ name: c.name, sources: this.fields(db, c.sources) }));
    } else if (inDs) {
      out.inputs.push(inDs.key);
      fields = this.columnNames(inDs.key)?.map((c) => ({
        name: c,
        sources: [{ dataset: inDs.key, column: c, kind: 'identity' as FlowKind }],
      }));
    }
    if (!outDs) return;
    out.outputs.push(outDs.key);
    if (!fields) return;
    let targets: string[] | undefined;
    if (outDs.kind === 'file') {
      targets = fields.map((f) => f.name);
      if (!this.columns.has(outDs.key))
        this.columns.set(
          outDs.key,
          targets.map((name) => ({ name })),
        );
    } else {
      const insert = outNode ? stringField(outNode, 'insertQuery') : undefined;
      targets = (insert && insertColumns(insert)) || this.columnNames(outDs.key);
    }
    if (!targets) return;
    const m = new Map<string, InputField[]>();
    fields.forEach((f, k) => {
      if (targets[k] !== undefined && f.sources.length > 0) m.set(targets[k], f.sources);
    });
    if (m.size > 0) out.columns.set(outDs.key, m);
  }

  private fields(db: PipelineObject, sources: ColumnSource[]): InputField[] {
    return sources.map((s) => ({ dataset: this.table(db, s.table).key, column: s.column, kind: s.kind }));
  }

  private sql(a: PipelineObject, out: ActivityLineage): void {
    for (const n of [...refsOf(a, 'input'), ...refsOf(a, 'output')].map((id) => this.byId.get(id))) {
      const d = n ? this.node(n) : undefined;
      if (d && n) (refsOf(a, 'input').includes(n.id) ? out.inputs : out.outputs).push(d.key);
    }
    const db = this.ref(a, 'database');
    const script = this.script(a);
    if (!db || !script) return;
    const id = this.identity(db);
    const res = analyzeScript(script, {
      mysql: id.engine === 'mysql',
      columnsOf: (t) => this.columnNames(tableDataset(id, t).key),
    });
    for (const [t, cols] of res.created) {
      const d = this.table(db, t);
      if (!this.columns.has(d.key) || this.columns.get(d.key)!.every((c) => !c.type))
        this.columns.set(d.key, cols);
    }
    const writes = new Set(res.writes.map((t) => this.table(db, t).key));
    out.inputs.push(
      ...res.reads.map((t) => this.table(db, t).key),
      ...res.s3Reads.map((u) => this.add(s3Dataset(u))),
    );
    out.outputs.push(...writes);
    for (const [t, cols] of res.columns) {
      const key = this.table(db, t).key;
      const m = new Map<string, InputField[]>();
      for (const [c, sources] of cols) m.set(c, this.fields(db, sources));
      out.columns.set(key, m);
    }
    for (const w of res.s3Writes) {
      const key = this.add(s3Dataset(w.uri));
      out.outputs.push(key);
      const m = new Map(w.columns.map((c) => [c.name, this.fields(db, c.sources)] as const));
      if (m.size > 0) out.columns.set(key, m);
      if (!this.columns.has(key))
        this.columns.set(
          key,
          w.columns.map((c) => ({ name: c.name })),
        );
    }
  }

  private opaque(a: PipelineObject, out: ActivityLineage): void {
    for (const id of refsOf(a, 'input')) {
      const n = this.byId.get(id);
      const d = n ? this.node(n) : undefined;
      if (d) out.inputs.push(d.key);
    }
    for (const id of refsOf(a, 'output')) {
      const n = this.byId.get(id);
      const d = n ? this.node(n) : undefined;
      if (d) out.outputs.push(d.key);
    }
    if (/\betlctl\s+task\s+qa-check\b/.test(stringField(a, 'command') ?? '')) this.qaReads(a, out);
  }

  /** The tables an `etlctl task qa-check --database D --checks JSON` reads (and its source queries). */
  private qaReads(a: PipelineObject, out: ActivityLineage): void {
    const args = (
      Array.isArray(a.fields.scriptArgument) ? a.fields.scriptArgument : [a.fields.scriptArgument]
    ).map((v) => (typeof v === 'string' ? v : ''));
    const arg = (flag: string) => {
      const k = args.indexOf(flag);
      return k >= 0 ? args[k + 1] : undefined;
    };
    // The task names connections; a definition has a database object only for those its other steps use.
    const dbOf = (connection: string | undefined): PipelineObject | undefined =>
      connection
        ? (this.def.objects.find((o) => stringField(o, 'myConnection') === connection) ?? {
            id: connection,
            name: connection,
            fields: { myConnection: connection },
          })
        : undefined;
    let checks: { table?: unknown; source?: unknown; sourceSql?: unknown }[] = [];
    try {
      checks = JSON.parse(arg('--checks') ?? '[]') as typeof checks;
    } catch {
      return;
    }
    const warehouse = dbOf(arg('--database'));
    for (const c of Array.isArray(checks) ? checks : []) {
      if (warehouse && typeof c.table === 'string') out.inputs.push(this.table(warehouse, c.table).key);
      const src = typeof c.source === 'string' ? dbOf(c.source) : undefined;
      if (src && typeof c.sourceSql === 'string') {
        const id = this.identity(src);
        for (const t of analyzeQuery(c.sourceSql, { mysql: id.engine === 'mysql' }).reads)
          out.inputs.push(this.table(src, t).key);
      }
    }
  }
}

/** The columns a createTableSql declares; remembered, since every load of a table repeats it. */
const created = new Map<string, ColumnInfo[] | undefined>();
function createdColumns(sql: string): ColumnInfo[] | undefined {
  if (created.has(sql)) return created.get(sql);
  const t = parseTableDefinition(sql, '').table;
  const cols = t && t.columns.length > 0 ? t.columns.map((c) => ({ name: c.name, type: c.type })) : undefined;
  if (created.size >= 2000) created.delete(created.keys().next().value!);
  created.set(sql, cols);
  return cols;
}

/** `INSERT INTO t (a, b) VALUES (?, ?)` → [a, b]. */
function insertColumns(sql: string): string[] | undefined {
  const m = /^\s*insert\s+into\s+[^\s(]+\s*\(([^)]*)\)/i.exec(sql);
  return m
    ? m[1].split(',').map((c) =>
        c
          .trim()
          .replace(/^["`]|["`]$/g, '')
          .toLowerCase(),
      )
    : undefined;
}

function isActivity(o: PipelineObject): boolean {
  return (objectType(o) ?? '').endsWith('Activity');
}

/** Whether `o` writes S3 data other activities may read (its columns must be known first). */
function producesFiles(o: PipelineObject, byId: Map<string, PipelineObject>): boolean {
  return refsOf(o, 'output').some((id) => objectType(byId.get(id) ?? o) === 'S3DataNode');
}

export function definitionLineage(def: Definition, ctx: LineageContext): DefinitionLineage {
  const b = new Builder(def, ctx);
  const byId = indexById(def);
  const activities = def.objects.filter((o) => o.id !== 'Default' && isActivity(o));
  // Producers of files first, so a load knows the columns of the file it reads.
  const ordered = [
    ...activities.filter((a) => producesFiles(a, byId)),
    ...activities.filter((a) => !producesFiles(a, byId)),
  ];
  const result = new Map<string, ActivityLineage>();
  for (const a of ordered) result.set(a.id, b.activity(a, objectType(a)!));
  return {
    activities: activities.map((a) => result.get(a.id)!),
    datasets: b.datasets,
    columns: b.columns,
  };
}

export { normalizeTable };
