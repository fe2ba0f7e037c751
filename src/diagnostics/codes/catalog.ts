/**
 * Codes of the catalog area (issue 16): metadata in pipeline and table files (ETL1400–1499),
 * the catalog, lineage events and `database generate|diff` (ETL3500–3699).
 */
import type { CodeTable } from '../code-table.js';

const ANNOTATION_SYNTAX =
  'Table definition files carry catalog metadata in `-- etlctl:` line comments of key=value pairs. ' +
  'On a column line (or on its own line directly above a column) they describe that column: ' +
  '`pii=none|internal|pii|sensitive`, `description="…"`. Outside the column list they describe the ' +
  'table: `description`, `owner`, `tags=a,b`. See README "Catalog and lineage".';

export const CATALOG_CODES: CodeTable = {
  ETL1400: {
    severity: 'error',
    category: 'spec',
    summary: 'an etlctl annotation in a table definition cannot be read',
    explain: `${ANNOTATION_SYNTAX} A value with spaces needs double quotes.`,
  },
  ETL1401: {
    severity: 'error',
    category: 'spec',
    summary: 'unknown key in an etlctl annotation',
    explain: `${ANNOTATION_SYNTAX} A key that fits neither place is reported with the closest known key.`,
  },
  ETL1402: {
    severity: 'error',
    category: 'spec',
    summary: 'a column PII level is not none, internal, pii or sensitive',
    explain:
      'PII levels, from least to most restricted: none (not personal data), internal (business data ' +
      'not meant outside the company), pii (personal data such as an e-mail address) and sensitive ' +
      '(special categories: health, finance, government ids).',
  },
  ETL1403: {
    severity: 'error',
    category: 'spec',
    summary: 'an etlctl annotation inside the column list belongs to no column',
    explain: `${ANNOTATION_SYNTAX} An annotation above a constraint (PRIMARY KEY …) or after the last column has nothing to describe.`,
  },
  ETL1404: {
    severity: 'error',
    category: 'spec',
    summary: 'a COMMENT ON statement names a table other than the one the file defines',
    explain:
      'A table definition file holds one CREATE statement, optionally followed by COMMENT ON TABLE and ' +
      'COMMENT ON COLUMN statements about that same table.',
  },
  ETL1405: {
    severity: 'error',
    category: 'spec',
    summary: 'COMMENT ON COLUMN names a column the table does not have',
    explain: 'Check the column name against the CREATE TABLE statement above it.',
  },
  ETL1406: {
    severity: 'error',
    category: 'spec',
    summary: 'a table or column is described both by COMMENT ON and by an etlctl annotation',
    explain:
      'Keep one description. COMMENT ON also lands in the database when `etlctl database create` runs ' +
      'the file; an annotation is catalog metadata only.',
  },
  ETL1410: {
    severity: 'error',
    category: 'spec',
    summary: "a pipeline's meta.sla.timezone is not a known IANA time zone",
    explain:
      'Write a zone name such as UTC, Europe/Berlin or America/New_York; ready_by is read in that zone.',
  },
  ETL1411: {
    severity: 'warning',
    category: 'spec',
    summary: 'an SLA on a pipeline without a schedule is never checked',
    explain:
      'meta.sla.ready_by is a daily deadline for the data a scheduled pipeline writes. One-time and ' +
      'on-demand pipelines have no period to be late for, so the catalog does not judge their freshness.',
  },
  ETL1412: {
    severity: 'error',
    category: 'spec',
    summary: 'a tag is not in the configured tag vocabulary',
    explain:
      'When the config lists `catalog.tags`, pipeline and table tags must come from that list, so ' +
      'searches by tag find everything. Add the tag to the config or use an existing one.',
  },
  ETL3500: {
    severity: 'error',
    category: 'catalog',
    summary: 'a table the pipelines write or define has no owner',
    explain:
      "Every table a pipeline writes needs someone to ask about it. The owner is the table definition's " +
      '`-- etlctl: owner=…` annotation, else the `meta.owner` of the first pipeline writing the table, else ' +
      "the config's `catalog.default_owner`. Tables only read (an application's database) are external " +
      'and not checked.',
  },
  ETL3501: {
    severity: 'error',
    category: 'catalog',
    summary: 'a column holds personal data but declares no PII level',
    explain:
      'A column counts as personal when its name matches one of `catalog.pii_patterns` (by default e-mail, ' +
      'phone, name, address, birth date, ids and the like), or when lineage shows it is computed from a ' +
      'column declared pii or sensitive. Declare its level with `-- etlctl: pii=…` on the column line ' +
      '(none if it is not personal after all).',
  },
  ETL3502: {
    severity: 'error',
    category: 'catalog',
    summary: 'a pipeline missed its SLA',
    explain:
      "`meta.sla.ready_by` is a daily deadline in the SLA's time zone. The latest deadline that has passed " +
      'is missed when no write of the pipeline finished in the window ending at it (one schedule period, ' +
      'at least a day), judged from the local state store (.etlctl/state.db). `catalog check --at TIME` ' +
      'judges another moment.',
  },
  ETL3503: {
    severity: 'warning',
    category: 'catalog',
    summary: 'a column declares a lower PII level than the column it is copied from',
    explain:
      'A copy is as personal as its source. Raise the level, or transform the value (hash, drop) first.',
  },
  ETL3504: {
    severity: 'warning',
    category: 'catalog',
    summary: 'one table is defined by two table definition files that disagree',
    explain: 'The catalog describes a table from the first file; keep one definition file per table.',
  },
  ETL3510: {
    severity: 'error',
    category: 'config',
    summary: 'unknown key or wrong type in the catalog: or lineage: config section',
    explain:
      'catalog: takes default_owner, tags and pii_patterns; lineage: takes file, url, namespace, timeout, ' +
      'queue_size and api_key. See README "Catalog and lineage".',
  },
  ETL3511: {
    severity: 'error',
    category: 'config',
    summary: 'a value in the catalog: or lineage: config section cannot be used',
    explain:
      'pii_patterns are regular expressions; lineage.timeout is a duration (5s, 2000ms); lineage.api_key is ' +
      'a secret reference (${env:VAR} or ${file:key}).',
  },
  ETL3512: {
    severity: 'error',
    category: 'catalog',
    summary: 'the catalog cannot be written to the output folder',
    explain: 'Check that the folder given with -o (default .etlctl/catalog) is writable.',
    exit: 3,
  },
  ETL3520: {
    severity: 'warning',
    category: 'lineage',
    summary: 'an OpenLineage event could not be delivered to the lineage endpoint',
    explain:
      'The endpoint in `lineage.url` answered with an error, did not answer within `lineage.timeout`, or ' +
      'could not be reached (or its api_key secret is not available). Lineage is a side channel: the run ' +
      'goes on, and `lineage.file` still gets every event.',
  },
  ETL3521: {
    severity: 'warning',
    category: 'lineage',
    summary: 'OpenLineage events were dropped',
    explain:
      'Events wait for the endpoint in a queue of `lineage.queue_size` (default 1000); when it is full the ' +
      'oldest are dropped, and what is still queued when the run ends (after a bounded wait) is dropped too.',
  },
  ETL3522: {
    severity: 'warning',
    category: 'lineage',
    summary: 'OpenLineage events cannot be written to the lineage file',
    explain: 'Check that `lineage.file` names a writable path; the run goes on without it.',
  },
  ETL3600: {
    severity: 'error',
    category: 'usage',
    summary: 'the field-definition file cannot be read',
    explain: 'database generate reads .csv, .tsv (or ;-separated CSV) and .yaml/.yml files; check the path.',
    exit: 2,
  },
  ETL3601: {
    severity: 'error',
    category: 'generate',
    summary: 'a row of the field-definition document cannot be turned into a column',
    explain:
      'Each row needs a column name and a type (string, varchar, char, text, integer, bigint, smallint, ' +
      'decimal, double, real, boolean, date, timestamp, timestamptz, time, json); length is a number, or ' +
      'precision,scale for decimal; nullable, key and dist_key are yes/no; sort_key is yes or a position; ' +
      'pii is none, internal, pii or sensitive. A table has at most one dist key.',
  },
  ETL3602: {
    severity: 'error',
    category: 'generate',
    summary: 'unknown column in the header (or key in YAML) of a field-definition document',
    explain:
      'Known: table, column, type, length, nullable, key, dist_key, sort_key, description, pii (and the ' +
      'aliases README "Field definitions → DDL" lists). The closest known name is suggested.',
  },
  ETL3603: {
    severity: 'error',
    category: 'generate',
    summary: 'a column is defined twice for one table',
    explain: 'Column names are compared without case; remove or rename one of the rows.',
  },
  ETL3605: {
    severity: 'error',
    category: 'generate',
    summary: 'the field-definition document does not name its table',
    explain:
      'Add a table column (CSV) or a table: key (YAML) with schema.name, or pass --table for a one-table file.',
  },
  ETL3606: {
    severity: 'error',
    category: 'generate',
    summary: 'the generated table definitions cannot be written',
    explain: 'Check that the folder given with -o is writable.',
    exit: 3,
  },
  ETL3622: {
    severity: 'error',
    category: 'usage',
    summary: 'database diff compares tables, not views',
    explain: 'A view has no columns of its own to alter; recreate it with etlctl database recreate.',
    exit: 2,
  },
  ETL3624: {
    severity: 'error',
    category: 'aws',
    summary: 'a Redshift Data API query of database diff failed',
    explain:
      'database diff reads information_schema through the Data API; check the cluster (or workgroup), ' +
      'database and user or secret configured for the connection.',
  },
  ETL3630: {
    severity: 'error',
    category: 'usage',
    summary: 'database grant --execute runs on Redshift only',
    explain:
      'database.permissions grant to Redshift users and groups, which a local database does not have. ' +
      'Run it with a mode whose target is aws; create, drop and recreate run locally.',
    exit: 2,
  },
};
