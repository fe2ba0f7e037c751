/**
 * A loopback stand-in for the Redshift Data API (JSON 1.1, `X-Amz-Target: RedshiftData.<Op>`):
 * ExecuteStatement records the SQL and parameters, DescribeStatement reports STARTED once and
 * then FINISHED, GetStatementResult answers information_schema queries from a scripted table
 * (columns and primary key) in the documented Records/ColumnMetadata shape, in pages of two rows
 * so callers must follow NextToken.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeColumn {
  name: string;
  dataType: string;
  length?: number;
  precision?: number;
  scale?: number;
  nullable: boolean;
}

type Field = { stringValue: string } | { longValue: number } | { isNull: true };

export class FakeRedshiftData {
  tables = new Map<string, { columns: FakeColumn[]; primaryKey: string[] }>();
  readonly executed: {
    sql: string;
    parameters: { name: string; value: string }[];
    input: Record<string, unknown>;
  }[] = [];
  private statements = new Map<string, { polls: number; names: string[]; rows: Field[][] }>();
  private server?: Server;
  private next = 1;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        const op = String(req.headers['x-amz-target'] ?? '').replace(/^RedshiftData\./, '');
        let status = 200;
        let out: unknown;
        try {
          out = this.handle(op, JSON.parse(body || '{}') as Record<string, unknown>);
        } catch (e) {
          status = 400;
          out = { __type: 'ValidationException', message: (e as Error).message };
        }
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(out));
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r());
  }

  private handle(op: string, json: Record<string, unknown>): unknown {
    if (op === 'ExecuteStatement') {
      const sql = String(json.Sql);
      const parameters = (json.Parameters as { name: string; value: string }[]) ?? [];
      this.executed.push({ sql, parameters, input: json });
      const p = Object.fromEntries(parameters.map((x) => [x.name, x.value]));
      const t = this.tables.get(`${p.p1}.${p.p2}`);
      const id = `stmt-${this.next++}`;
      if (/information_schema\.columns/i.test(sql))
        this.statements.set(id, {
          polls: 0,
          names: ['name', 'data_type', 'len', 'prec', 'scale', 'nullable'],
          rows: (t?.columns ?? []).map((c) => [
            { stringValue: c.name },
            { stringValue: c.dataType },
            c.length !== undefined ? { longValue: c.length } : { isNull: true },
            c.precision !== undefined ? { longValue: c.precision } : { isNull: true },
            c.scale !== undefined ? { longValue: c.scale } : { isNull: true },
            { stringValue: c.nullable ? 'YES' : 'NO' },
          ]),
        });
      else
        this.statements.set(id, {
          polls: 0,
          names: ['constraint_name', 'name'],
          rows: (t?.primaryKey ?? []).map((k) => [{ stringValue: `${p.p2}_pkey` }, { stringValue: k }]),
        });
      return { Id: id, CreatedAt: 1_790_000_000 };
    }
    const st = this.statements.get(String(json.Id));
    if (!st) throw new Error(`statement ${String(json.Id)} not found`);
    if (op === 'DescribeStatement') {
      st.polls++;
      return { Id: json.Id, Status: st.polls === 1 ? 'STARTED' : 'FINISHED', HasResultSet: true };
    }
    if (op === 'GetStatementResult') {
      const start = json.NextToken ? Number(json.NextToken) : 0;
      const page = st.rows.slice(start, start + 2);
      return {
        Records: page,
        ColumnMetadata: st.names.map((n) => ({ name: n, label: n })),
        TotalNumRows: st.rows.length,
        ...(start + 2 < st.rows.length ? { NextToken: String(start + 2) } : {}),
      };
    }
    throw new Error(`fake server does not implement ${op}`);
  }
}
