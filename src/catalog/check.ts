/**
 * `etlctl catalog check` (issue 16): what a data catalog must not miss, as diagnostics at the line
 * to fix.
 *
 *   ETL3500  a table the pipelines write or define has no owner
 *   ETL3501  a column holds personal data but declares no PII level: its name looks personal
 *            (config catalog.pii_patterns), or it is computed from a column declared pii/sensitive
 *   ETL3502  a pipeline missed its SLA (meta.sla.ready_by), judged from the local state store
 *   ETL3503  a column declares a lower PII level than the column it is copied from (warning)
 *   ETL1411  an SLA on a pipeline without a schedule (warning)
 *   ETL1412  a table tag outside the tag vocabulary
 *   ETL3504  one table defined by two files that disagree (warning)
 */
import type { PiiLevel } from '../compile/table-comments.js';
import { PII_LEVELS } from '../compile/table-comments.js';
import type { Diagnostic } from '../diagnostics.js';
import { diag } from '../diagnostics.js';
import { checkTags } from './meta.js';
import type { Catalog, CatalogColumn, CatalogDataset } from './model.js';
import type { CatalogSettings } from './settings.js';
import type { TableFiles } from './tables.js';

export interface CatalogFinding extends Diagnostic {
  dataset?: string;
  pipeline?: string;
}

const rank = (l: PiiLevel | null) => (l === null ? -1 : PII_LEVELS.indexOf(l));

export function catalogProblems(
  catalog: Catalog,
  tables: TableFiles,
  settings: CatalogSettings,
): CatalogFinding[] {
  const out: CatalogFinding[] = [];
  const byId = new Map(catalog.datasets.map((d) => [d.id, d]));
  const pipelines = new Map(catalog.pipelines.map((p) => [p.name, p]));
  /** Where to point for a dataset: its definition, else the first step writing it. */
  const whereIs = (d: CatalogDataset, line?: number): Pick<Diagnostic, 'file' | 'line'> => {
    if (d.definition) return { file: d.definition.file, line: line ?? d.definition.line };
    const w = d.writers[0];
    const p = w ? pipelines.get(w.pipeline) : undefined;
    const step = p?.steps.find((s) => s.name === w?.step);
    return p ? { file: p.file, line: step?.line ?? p.line } : {};
  };
  for (const d of catalog.datasets) {
    if (d.kind !== 'table' || d.external) continue;
    if (!d.owner)
      out.push({
        ...diag('ETL3500', `table ${d.name} (${d.connection}) has no owner`, {
          ...whereIs(d),
          hint: d.definition
            ? 'add `-- etlctl: owner=TEAM` above CREATE TABLE, `meta: {owner: TEAM}` to the pipeline writing it, or catalog.default_owner to the config'
            : 'add `meta: {owner: TEAM}` to the pipeline writing it, or catalog.default_owner to the config',
        }),
        dataset: d.id,
      });
    for (const c of d.columns) out.push(...columnFindings(d, c, byId, settings, whereIs));
    if (d.definition && settings.tags) {
      const at = whereIs(d);
      out.push(
        ...checkTags(
          d.tags.map((tag) => ({ tag, at: () => at })),
          settings,
          `table ${d.name}`,
        ),
      );
    }
  }
  for (const p of catalog.pipelines) {
    if (!p.sla) continue;
    const at = { file: p.file, line: p.sla.line, column: p.sla.column };
    if (p.freshness?.status === 'not_scheduled')
      out.push({
        ...diag(
          'ETL1411',
          `pipeline ${p.name} has an SLA but no schedule (${p.schedule}); it is not checked`,
          {
            ...at,
            severity: 'warning',
            hint: 'remove meta.sla, or give the pipeline a frequency',
          },
        ),
        pipeline: p.name,
      });
    if (p.freshness?.status === 'late')
      out.push({
        ...diag(
          'ETL3502',
          `pipeline ${p.name} missed its SLA (ready by ${p.sla.readyBy} ${p.sla.timezone}): ${p.freshness.message}`,
          {
            ...at,
            hint: `see \`etlctl pipeline status ${p.name}\` for its runs`,
          },
        ),
        pipeline: p.name,
      });
  }
  for (const [name, files] of tables.byName) {
    if (files.length < 2) continue;
    const sig = (f: (typeof files)[number]) => f.table.columns.map((c) => `${c.name} ${c.type}`).join(',');
    const other = files.find((f) => sig(f) !== sig(files[0]));
    if (other)
      out.push(
        diag('ETL3504', `table ${name} is also defined by ${files[0].file}, with other columns`, {
          file: other.file,
          line: other.table.line,
          severity: 'warning',
          hint: 'keep one table definition file per table; the catalog uses the first one',
        }),
      );
  }
  return out;
}

function columnFindings(
  d: CatalogDataset,
  c: CatalogColumn,
  byId: Map<string, CatalogDataset>,
  settings: CatalogSettings,
  whereIs: (d: CatalogDataset, line?: number) => Pick<Diagnostic, 'file' | 'line'>,
): CatalogFinding[] {
  const upstreamLevels = c.upstream
    .map((u) => ({ u, col: byId.get(u.dataset)?.columns.find((x) => x.name === u.column) }))
    .filter((x) => x.col && x.col.pii !== null);
  const personal = upstreamLevels.find((x) => x.col!.pii === 'pii' || x.col!.pii === 'sensitive');
  const fix = d.definition
    ? `add \`-- etlctl: pii=none|internal|pii|sensitive\` to the column in ${d.definition.file}`
    : 'describe the table in a table definition file with a PII level per column';
  if (c.pii === null) {
    const byName = settings.piiPatterns.some((re) => re.test(c.name));
    if (!personal && !byName) return [];
    return [
      {
        ...diag(
          'ETL3501',
          personal
            ? `column ${d.name}.${c.name} is computed from ${personal.u.dataset}.${personal.u.column} (${personal.col!.pii}) but declares no PII level`
            : `column ${d.name}.${c.name} looks like personal data but declares no PII level`,
          { ...whereIs(d, c.line), hint: fix },
        ),
        dataset: d.id,
      },
    ];
  }
  const lower = upstreamLevels.find((x) => x.u.kind === 'identity' && rank(x.col!.pii) > rank(c.pii));
  if (!lower) return [];
  return [
    {
      ...diag(
        'ETL3503',
        `column ${d.name}.${c.name} is declared ${c.pii} but is a copy of ${lower.u.dataset}.${lower.u.column} (${lower.col!.pii})`,
        {
          ...whereIs(d, c.line),
          severity: 'warning',
          hint: 'a copy is as personal as its source; raise the level',
        },
      ),
      dataset: d.id,
    },
  ];
}
