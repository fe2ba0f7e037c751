/**
 * Loads `pg` without loading Node's fetch implementation. On Node 20, where there is no global
 * `navigator`, pg asks whether it runs in a Cloudflare Worker by constructing a `Response`, which
 * loads undici (~40 ms of CPU on every run that opens a PostgreSQL connection). Node 21+ defines
 * `navigator.userAgent` ('Node.js/…') and pg stops at that; Node 20 gets the same answer for the
 * moment pg loads, and nothing else sees it.
 */
import { createRequire } from 'node:module';

type Pg = typeof import('pg');

const require = createRequire(import.meta.url);
let loaded: Pg | undefined;

export function loadPg(): Pg {
  if (loaded) return loaded;
  const g = globalThis as { navigator?: unknown };
  if (g.navigator !== undefined) return (loaded = require('pg') as Pg);
  Object.defineProperty(globalThis, 'navigator', {
    value: { userAgent: `Node.js/${process.versions.node}` },
    configurable: true,
    enumerable: false,
    writable: true,
  });
  try {
    return (loaded = require('pg') as Pg);
  } finally {
    delete g.navigator;
  }
}
