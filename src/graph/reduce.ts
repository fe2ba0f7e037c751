/**
 * Transitive reduction of the dependency edges (what Dataduct got from `graph.tred()`):
 * an edge u→v is dropped when v is also reachable from u through another path, so a step
 * that depends on bootstrap and on a step that already depends on bootstrap draws one arrow.
 */
import { LIMITS } from '../spec/limits.js';

export interface ReduceResult<E> {
  kept: E[];
  removed: number;
  /** A cycle makes "redundant" ambiguous; then nothing is removed. */
  cycle: boolean;
}

/** Largest edge list reduced: the drawing limit (graph/size.ts). */
const MAX_REDUCED_EDGES = LIMITS.graphEdges;

export function transitiveReduction<E extends { from: string; to: string }>(
  edges: readonly E[],
): ReduceResult<E> {
  const succ = new Map<string, Set<string>>();
  for (const e of edges) {
    if (e.from === e.to) continue;
    let s = succ.get(e.from);
    if (!s) succ.set(e.from, (s = new Set()));
    s.add(e.to);
  }
  if (hasCycle(succ)) return { kept: dedupe(edges), removed: 0, cycle: true };
  // The memoised reachability below is quadratic in memory and recursive (a 10,000-step chain
  // overflowed the stack, issue 12); a graph this large is refused by the size check (graph/size.ts)
  // before it is drawn, so it is left unreduced.
  if (edges.length > MAX_REDUCED_EDGES) return { kept: dedupe(edges), removed: 0, cycle: false };

  // Reachability from each node, memoised; DAG so a post-order fill is sound.
  const reach = new Map<string, Set<string>>();
  const reachOf = (n: string): Set<string> => {
    const known = reach.get(n);
    if (known) return known;
    const r = new Set<string>();
    reach.set(n, r);
    for (const m of succ.get(n) ?? []) {
      r.add(m);
      for (const x of reachOf(m)) r.add(x);
    }
    return r;
  };

  const redundant = (u: string, v: string): boolean => {
    for (const w of succ.get(u) ?? []) {
      if (w !== v && reachOf(w).has(v)) return true;
    }
    return false;
  };

  const kept: E[] = [];
  const seen = new Set<string>();
  let removed = 0;
  for (const e of edges) {
    const key = `${e.from}\u0000${e.to}`;
    if (seen.has(key) || e.from === e.to) {
      removed++;
      continue;
    }
    seen.add(key);
    if (redundant(e.from, e.to)) removed++;
    else kept.push(e);
  }
  return { kept, removed, cycle: false };
}

function dedupe<E extends { from: string; to: string }>(edges: readonly E[]): E[] {
  const seen = new Set<string>();
  return edges.filter((e) => {
    const key = `${e.from}\u0000${e.to}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function hasCycle(succ: Map<string, Set<string>>): boolean {
  const state = new Map<string, 1 | 2>(); // 1 = on stack, 2 = done
  // Iterative DFS: a 100-step chain must not hit the call-stack limit.
  for (const start of succ.keys()) {
    if (state.has(start)) continue;
    const stack: [string, Iterator<string>][] = [[start, (succ.get(start) ?? new Set<string>()).values()]];
    state.set(start, 1);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const next = top[1].next();
      if (next.done) {
        state.set(top[0], 2);
        stack.pop();
        continue;
      }
      const m = next.value;
      const st = state.get(m);
      if (st === 1) return true;
      if (st === undefined) {
        state.set(m, 1);
        stack.push([m, (succ.get(m) ?? new Set<string>()).values()]);
      }
    }
  }
  return false;
}
