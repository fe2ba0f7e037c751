import { describe, expect, it } from 'vitest';
import { translateScript, translateStatement } from '../../src/local/translate.js';

describe('schemas for Redshift tables on a fresh local database', () => {
  it('adds CREATE SCHEMA IF NOT EXISTS before a schema-qualified CREATE TABLE, and lists it', () => {
    const r = translateScript(
      'CREATE TABLE IF NOT EXISTS staging.orders (id INTEGER ENCODE az64);',
      'pglite',
    );
    const sqls = r.actions.map((a) => (a.kind === 'sql' ? a.sql : a.kind));
    expect(sqls[0]).toBe('CREATE SCHEMA IF NOT EXISTS staging');
    expect(sqls[1]).toMatch(/^CREATE TABLE IF NOT EXISTS staging\.orders/);
    expect(r.translations.join('\n')).toMatch(/CREATE SCHEMA IF NOT EXISTS staging added/);
  });

  it('leaves unqualified, temporary and MySQL tables alone', () => {
    for (const [sql, target] of [
      ['CREATE TABLE orders (id INTEGER)', 'postgres'],
      ['CREATE TEMPORARY TABLE x.orders (id INTEGER)', 'postgres'],
      ['CREATE TABLE app.orders (id INTEGER)', 'mysql'],
    ] as const) {
      expect(translateScript(sql, target).actions).toHaveLength(1);
    }
  });

  it('createTableSql becomes one executable script with the schema first', () => {
    const t: string[] = [];
    expect(translateStatement('CREATE TABLE analytics.x (id INT)', 'postgres', t)).toBe(
      'CREATE SCHEMA IF NOT EXISTS analytics;\nCREATE TABLE analytics.x (id INT)',
    );
  });
});
