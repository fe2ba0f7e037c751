import { describe, expect, it } from 'vitest';
import { parseTableDefinition } from '../../src/compile/table-definition.js';

const plain = `CREATE TABLE analytics.users (
  id INTEGER NOT NULL PRIMARY KEY,
  email VARCHAR(256) NOT NULL,
  country CHAR(2),
  created_at TIMESTAMP NOT NULL
)
DISTKEY (id);
`;

const annotated = `-- Users as analysts query them.
-- etlctl: owner=growth-team tags=core,users description="One row per registered user"
CREATE TABLE analytics.users (
  id INTEGER NOT NULL PRIMARY KEY,   -- etlctl: pii=internal
  -- etlctl: pii=pii description="Login e-mail, unique"
  email VARCHAR(256) NOT NULL,
  country CHAR(2),                   -- etlctl: pii=none description="ISO 3166 country"
  created_at TIMESTAMP NOT NULL
)
DISTKEY (id);
COMMENT ON COLUMN analytics.users.created_at IS 'When the account was created (UTC), it''s never null';
`;

function parse(text: string) {
  return parseTableDefinition(text, 'tables/users.sql');
}

describe('table definition metadata', () => {
  it('reads annotations on column lines, above columns and above the table, and COMMENT ON', () => {
    const { table, diagnostics } = parse(annotated);
    expect(diagnostics).toEqual([]);
    expect(table).toMatchObject({
      fullName: 'analytics.users',
      owner: 'growth-team',
      tags: ['core', 'users'],
      description: 'One row per registered user',
      line: 3,
    });
    const cols = Object.fromEntries(table!.columns.map((c) => [c.name, c]));
    expect(cols.id).toMatchObject({ pii: 'internal', line: 4 });
    expect(cols.email).toMatchObject({ pii: 'pii', description: 'Login e-mail, unique', line: 6 });
    expect(cols.country).toMatchObject({ pii: 'none', description: 'ISO 3166 country' });
    expect(cols.created_at.description).toBe("When the account was created (UTC), it's never null");
    expect(cols.created_at.pii).toBeUndefined();
    expect(table!.comments).toEqual([
      "COMMENT ON COLUMN analytics.users.created_at IS 'When the account was created (UTC), it''s never null'",
    ]);
  });

  it('leaves the statement the compiler embeds exactly as without the annotations', () => {
    const a = parse(annotated).table!;
    const b = parse(plain).table!;
    expect(a.sql).toBe(b.sql);
    expect(
      a.columns.map(({ name, type, nullable, attributes }) => ({ name, type, nullable, attributes })),
    ).toEqual(
      b.columns.map(({ name, type, nullable, attributes }) => ({ name, type, nullable, attributes })),
    );
  });

  it('unknown keys and levels are errors at their line with a did-you-mean', () => {
    const { diagnostics } = parse(
      `CREATE TABLE t (\n  a INTEGER, -- etlctl: pi=pii\n  b INTEGER  -- etlctl: pii=sensitve\n);\n`,
    );
    expect(diagnostics.map((d) => [d.code, d.line, d.hint])).toEqual([
      ['ETL1401', 2, "did you mean 'pii'?"],
      ['ETL1402', 3, "did you mean 'sensitive'?"],
    ]);
    const table = parse(`-- etlctl: pii=pii\nCREATE TABLE t (a INTEGER);\n`).diagnostics[0];
    expect(table).toMatchObject({ code: 'ETL1401', line: 1 });
    expect(table.hint).toMatch(/annotates a column/);
  });

  it('an annotation with nothing to describe, or unreadable, is reported', () => {
    expect(
      parse(`CREATE TABLE t (\n  a INTEGER,\n  -- etlctl: pii=none\n  PRIMARY KEY (a)\n);`).diagnostics[0],
    ).toMatchObject({ code: 'ETL1403', line: 3 });
    expect(parse(`CREATE TABLE t (\n  a INTEGER -- etlctl: pii\n);`).diagnostics[0]).toMatchObject({
      code: 'ETL1400',
      line: 2,
    });
  });

  it('COMMENT ON must be about this table and its columns, once', () => {
    expect(
      parse(`CREATE TABLE s.t (a INTEGER);\nCOMMENT ON TABLE s.other IS 'x';`).diagnostics[0],
    ).toMatchObject({
      code: 'ETL1404',
      line: 2,
    });
    const unknown = parse(`CREATE TABLE s.t (amount INTEGER);\nCOMMENT ON COLUMN s.t.amout IS 'x';`)
      .diagnostics[0];
    expect(unknown).toMatchObject({ code: 'ETL1405', line: 2, hint: "did you mean 'amount'?" });
    const twice = parse(
      `CREATE TABLE s.t (\n  a INTEGER -- etlctl: description=one\n);\nCOMMENT ON COLUMN s.t.a IS 'two';`,
    ).diagnostics[0];
    expect(twice).toMatchObject({ code: 'ETL1406', line: 4 });
    expect(parse(`CREATE TABLE s.t (a INTEGER);\nINSERT INTO s.t VALUES (1);`).diagnostics[0]).toMatchObject({
      code: 'ETL3101',
      line: 2,
    });
  });

  it('reads MySQL inline comments, backquoted names and the table COMMENT option', () => {
    const { table, diagnostics } = parse(
      "CREATE TABLE `shop`.`orders` (\n  `id` INT NOT NULL COMMENT 'Order id',\n  note TEXT COMMENT 'Free text'\n) COMMENT='Orders';",
    );
    expect(diagnostics).toEqual([]);
    expect(table).toMatchObject({ fullName: 'shop.orders', description: 'Orders' });
    expect(table!.columns.map((c) => [c.name, c.type, c.nullable, c.description])).toEqual([
      ['id', 'INT', false, 'Order id'],
      ['note', 'TEXT', true, 'Free text'],
    ]);
  });
});
