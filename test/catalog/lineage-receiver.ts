/**
 * A loopback OpenLineage receiver for tests: accepts `POST /api/v1/lineage` like Marquez does
 * (201), records the parsed events, and can be told to fail (HTTP 500) or to never answer.
 * Also an asynchronous CLI runner, so the receiver keeps serving while etlctl runs.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BIN, ROOT } from '../helpers.js';
import type { CliResult } from '../helpers.js';

export class LineageReceiver {
  readonly events: Record<string, unknown>[] = [];
  mode: 'ok' | 'fail' | 'hang' = 'ok';
  private server?: Server;
  private hanging: ServerResponse[] = [];
  url = '';

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        if (req.method !== 'POST' || req.url !== '/api/v1/lineage') {
          res.writeHead(404).end();
          return;
        }
        if (this.mode === 'hang') {
          this.hanging.push(res);
          return;
        }
        if (this.mode === 'fail') {
          res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"down for maintenance"}');
          return;
        }
        this.events.push(JSON.parse(body) as Record<string, unknown>);
        res.writeHead(201).end();
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/v1/lineage`;
    return this.url;
  }

  async stop(): Promise<void> {
    for (const r of this.hanging) r.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r());
  }
}

export function runCliAsync(
  args: string[],
  opts: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: opts.cwd ?? ROOT,
      env: { ...process.env, ETLCTL_CONFIG: undefined, ETLCTL_MODE: undefined, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
