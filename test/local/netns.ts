/**
 * Separate "machines" for the many-agents tests (issue 15): each gets a network namespace of its
 * own (`ip netns add`), joined to the host by a veth pair with private addresses, loopback up, so
 * an agent run with `ip netns exec NS node …` shares nothing with the others but the wire. The
 * servers listen on the host's 127.0.0.1 only (their config stays as it is): the test forwards
 * each needed port from the host end of every veth to 127.0.0.1 with a small TCP forwarder.
 * Without root or `ip`, machines are plain directories on the host (same tests, no isolation).
 * Names carry the process id, so concurrent test runs never share a namespace or a subnet.
 */
import { spawnSync } from 'node:child_process';
import type { Server, Socket } from 'node:net';
import { createServer, connect } from 'node:net';

export interface Machine {
  /** The namespace, when isolated. */
  ns?: string;
  /** The address this machine reaches the host's servers at (127.0.0.1 when not isolated). */
  host: string;
  /** Prefix of every command run on this machine (`ip netns exec NS`). */
  prefix: string[];
}

function ip(args: string[]): void {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr || r.error?.message}`);
}

/** Root and a working `ip netns`: isolation is possible here (CI runs as root). */
export function namespacesAvailable(): boolean {
  if (process.getuid?.() !== 0) return false;
  return spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).status === 0;
}

export class Network {
  private readonly machines: Machine[] = [];
  private readonly links: string[] = [];
  private readonly servers: Server[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly tag = process.pid.toString(36);

  constructor(
    /** Host ports every machine reaches (PostgreSQL, MariaDB, the S3 endpoint). */
    private readonly ports: number[],
    readonly isolated = namespacesAvailable(),
  ) {}

  /** A new machine; with isolation, its namespace, veth pair, addresses and forwarders. */
  async machine(): Promise<Machine> {
    const k = this.machines.length;
    if (!this.isolated) {
      const m = { host: '127.0.0.1', prefix: [] };
      this.machines.push(m);
      return m;
    }
    const ns = `etlctl-${this.tag}-${k}`;
    const outer = `et${this.tag}${k}h`.slice(0, 15);
    const inner = `et${this.tag}${k}n`.slice(0, 15);
    // A /30 per machine in 10.0.0.0/8, from the pid: concurrent runs take different subnets.
    const base = ((process.pid & 0x3fff) << 6) + k * 4;
    const addr = (n: number) =>
      `10.${200 + ((base >> 16) & 0x3f)}.${(base >> 8) & 0xff}.${(base & 0xff) + n}`;
    const m: Machine = { ns, host: addr(1), prefix: ['ip', 'netns', 'exec', ns] };
    this.machines.push(m);
    ip(['netns', 'add', ns]);
    ip(['link', 'add', outer, 'type', 'veth', 'peer', 'name', inner]);
    this.links.push(outer);
    ip(['link', 'set', inner, 'netns', ns]);
    ip(['addr', 'add', `${addr(1)}/30`, 'dev', outer]);
    ip(['link', 'set', outer, 'up']);
    ip(['netns', 'exec', ns, 'ip', 'addr', 'add', `${addr(2)}/30`, 'dev', inner]);
    ip(['netns', 'exec', ns, 'ip', 'link', 'set', inner, 'up']);
    ip(['netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up']);
    for (const port of this.ports) await this.forward(m.host, port);
    return m;
  }

  /** host:port → 127.0.0.1:port; a side that closes or fails closes the other (a dead agent's sessions end). */
  private async forward(host: string, port: number): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(port, '127.0.0.1');
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
      }
      client.pipe(upstream);
      upstream.pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    this.servers.push(server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
  }

  /** Forwarders, links and namespaces gone — also after a failed test (call from afterAll). */
  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await Promise.all(this.servers.map((s) => new Promise((r) => s.close(r))));
    for (const link of this.links) spawnSync('ip', ['link', 'del', link]);
    for (const m of this.machines) if (m.ns) spawnSync('ip', ['netns', 'del', m.ns]);
  }
}
