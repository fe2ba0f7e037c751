import { describe, expect, it } from 'vitest';
import { analyzeQuery, analyzeScript } from '../../src/catalog/sql-lineage.js';
import type { ScriptLineage } from '../../src/catalog/sql-lineage.js';

/** `table.column ← source.column:kind` lines, sorted, for compact expectations. */
function flows(r: ScriptLineage): string[] {
  const out: string[] = [];
  for (const [t, cols] of r.columns)
    for (const [c, srcs] of cols)
      out.push(`${t}.${c} <- ${srcs.map((s) => `${s.table}.${s.column}:${s.kind}`).join(', ')}`);
  return out.sort();
}

const columns: Record<string, string[]> = {
  'staging.orders': ['id', 'customer_id', 'amount', 'status'],
  'analytics.orders': ['id', 'customer_id', 'amount', 'status'],
};
const opts = { columnsOf: (t: string) => columns[t] };

describe('SQL lineage', () => {
  it('follows an upsert through temporary tables, a derived table and SELECT *', () => {
    const r = analyzeScript(
      `BEGIN;
       CREATE TEMPORARY TABLE stage (LIKE analytics.orders);
       INSERT INTO stage (id, customer_id, amount, status)
       SELECT id, customer_id, amount, status FROM (SELECT * FROM staging.orders) AS src;
       CREATE TEMP TABLE dedup AS SELECT id, customer_id, amount, status FROM (
         SELECT *, ROW_NUMBER() OVER (PARTITION BY id ORDER BY id) AS rn FROM stage) AS ranked WHERE rn = 1;
       DELETE FROM analytics.orders USING dedup WHERE analytics.orders.id = dedup.id;
       INSERT INTO analytics.orders (id, customer_id, amount, status) SELECT id, customer_id, amount, status FROM dedup;
       DROP TABLE stage; DROP TABLE dedup;
       COMMIT;`,
      opts,
    );
    expect(r.reads.sort()).toEqual(['staging.orders']);
    expect(r.writes).toEqual(['analytics.orders']);
    expect(flows(r)).toEqual([
      'analytics.orders.amount <- staging.orders.amount:identity',
      'analytics.orders.customer_id <- staging.orders.customer_id:identity',
      'analytics.orders.id <- staging.orders.id:identity',
      'analytics.orders.status <- staging.orders.status:identity',
    ]);
  });

  it('without known columns, SELECT * still maps columns by name', () => {
    const r = analyzeScript(
      'INSERT INTO a.t (x, y) SELECT x, y FROM (SELECT * FROM b.src) s; INSERT INTO a.u SELECT * FROM b.src;',
    );
    expect(flows(r)).toEqual(['a.t.x <- b.src.x:identity', 'a.t.y <- b.src.y:identity']);
  });

  it('tells identity, transformation and aggregation apart, through joins and aliases', () => {
    const r = analyzeScript(
      `INSERT INTO rpt.daily (day, customer, total, orders)
       SELECT TRUNC(o.ordered_at), c.name, SUM(o.amount), COUNT(*)
       FROM sales.orders o JOIN crm.customers AS c ON c.id = o.customer_id
       WHERE EXTRACT(year FROM o.ordered_at) = 2026
       GROUP BY 1, 2`,
    );
    expect(r.reads.sort()).toEqual(['crm.customers', 'sales.orders']);
    expect(flows(r)).toEqual([
      'rpt.daily.customer <- crm.customers.name:identity',
      'rpt.daily.day <- sales.orders.ordered_at:transformation',
      'rpt.daily.total <- sales.orders.amount:aggregation',
    ]);
  });

  it('reads CTEs, UNIONs and subqueries in WHERE, and never mistakes a CTE for a table', () => {
    const r = analyzeScript(
      `WITH recent AS (SELECT id, email FROM app.users WHERE created > '2026-01-01')
       INSERT INTO crm.contacts (id, email)
       SELECT id, email FROM recent
       UNION ALL SELECT id, mail FROM app.partners WHERE id NOT IN (SELECT id FROM app.blocked)`,
    );
    expect(r.reads.sort()).toEqual(['app.blocked', 'app.partners', 'app.users']);
    expect(flows(r)).toEqual([
      'crm.contacts.email <- app.users.email:identity, app.partners.mail:identity',
      'crm.contacts.id <- app.users.id:identity, app.partners.id:identity',
    ]);
  });

  it('UPDATE … SET … FROM, TRUNCATE, COPY and UNLOAD', () => {
    const r = analyzeScript(
      `UPDATE dw.accounts a SET balance = a.balance + p.amount FROM dw.payments p WHERE p.account_id = a.id;
       TRUNCATE TABLE dw.scratch;
       COPY dw.raw (id, body) FROM 's3://bucket/in/' IAM_ROLE 'x';
       UNLOAD ('SELECT id, body AS text FROM dw.raw WHERE note = ''x''') TO 's3://bucket/out/' IAM_ROLE 'x';`,
    );
    expect(r.writes.sort()).toEqual(['dw.accounts', 'dw.raw', 'dw.scratch']);
    expect(r.reads.sort()).toEqual(['dw.payments', 'dw.raw']);
    expect(r.s3Reads).toEqual(['s3://bucket/in/']);
    expect(r.s3Writes).toEqual([
      {
        uri: 's3://bucket/out/',
        columns: [
          { name: 'id', sources: [{ table: 'dw.raw', column: 'id', kind: 'identity' }] },
          { name: 'text', sources: [{ table: 'dw.raw', column: 'body', kind: 'identity' }] },
        ],
      },
    ]);
    expect(flows(r)).toEqual([
      'dw.accounts.balance <- dw.accounts.balance:transformation, dw.payments.amount:transformation',
    ]);
  });

  it('ignores Data Pipeline expressions, strings and comments', () => {
    const r = analyzeScript(
      `-- FROM nowhere.table
       DELETE FROM rpt.counts WHERE day = CAST('#{format(@scheduledStartTime,'YYYY-MM-dd')}' AS DATE);
       INSERT INTO rpt.counts SELECT CAST('#{format(@scheduledStartTime,'YYYY-MM-dd')}' AS DATE), status, 'FROM x' FROM dw.enrollments;`,
    );
    expect(r.reads).toEqual(['dw.enrollments']);
    expect(r.writes).toEqual(['rpt.counts']);
  });

  it('a query names its output columns and the tables it reads', () => {
    expect(analyzeQuery('SELECT u.id, lower(u.email) AS email FROM users u', { mysql: true })).toEqual({
      reads: ['users'],
      columns: [
        { name: 'id', sources: [{ table: 'users', column: 'id', kind: 'identity' }] },
        { name: 'email', sources: [{ table: 'users', column: 'email', kind: 'transformation' }] },
      ],
    });
  });

  it('an unreadable script gives what it can, never an exception', () => {
    expect(analyzeScript("INSERT INTO t SELECT 'unterminated FROM x").writes).toEqual([]);
  });
});
