/**
 * Structure-aware mutations for the fuzz suite (issue 12, item 3): an input is a seed file (an
 * example pipeline, the example config, a definition) parsed into a tree, changed at a few nodes
 * (a value replaced by a hostile one, a key deleted, renamed or duplicated, a list item repeated,
 * a value wrapped in lists), written back, and then changed a little as text (a character
 * inserted, a line repeated or cut, the file truncated). fast-check draws every choice, so a
 * failing input shrinks and replays from its seed.
 */
import fc from 'fast-check';
import { stringify } from 'yaml';

/** Values users and attackers put where etlctl expects something sane. */
const HOSTILE = [
  '',
  ' ',
  '../../../../tmp/x',
  '/etc/passwd',
  'src WHERE id < 3; DROP TABLE victim',
  'it;ems',
  '"',
  "'",
  '#{',
  '#{format(@scheduledStartTime,',
  "#{format(minusDays(@scheduledStartTime,1),'YYYY-MM-dd')}",
  '#{myUndeclared}',
  '${env:NOPE}',
  '${vault:x}',
  's3://../escaped/',
  's3://',
  '99999999d',
  '-1',
  '0',
  '1e309',
  'NaN',
  'null',
  '~',
  'a'.repeat(300),
  'x'.repeat(20_000),
  '\u0000',
  '\u0007bell',
  '\ud800',
  'ＡＢＣ',
  'name.endsWith',
  '__proto__',
  'constructor',
  'Default',
  '13:30',
  '25:99',
  '2026-02-30T00:00:00',
  'daily',
  'one-time',
  'hourly',
  'cron(0 0 * * ?)',
  'APPEND',
  'KEEP_EXISTING',
  'mysql',
  'postgres',
  'redshift',
  'local',
  'aws',
];

/** `depth` lists or mappings inside each other. */
function nested(depth: number, asMap: boolean): unknown {
  let v: unknown = 'x';
  for (let i = 0; i < depth; i++) v = asMap ? { a: v } : [v];
  return v;
}

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...HOSTILE) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  { weight: 2, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null)) },
  { weight: 1, arbitrary: fc.array(fc.constantFrom(...HOSTILE), { maxLength: 4 }) },
  {
    weight: 1,
    arbitrary: fc.dictionary(
      fc.constantFrom('a', 'name', 'id', 'ref', 'type', 'step_type'),
      fc.constantFrom(...HOSTILE),
      { maxKeys: 3 },
    ),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.integer({ min: 2, max: 120 }), fc.boolean()).map(([d, m]) => nested(d, m)),
  },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 0, max: 3000 }).map((n) => Array.from({ length: n }, (_, i) => `v${i}`)),
  },
);

export type TreeOp =
  | { kind: 'replace'; at: number; value: unknown }
  | { kind: 'delete'; at: number }
  | { kind: 'rename'; at: number; to: string }
  | { kind: 'duplicate'; at: number }
  | { kind: 'wrap'; at: number };

export type TextOp =
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'cut'; at: number; length: number }
  | { kind: 'repeat-line'; at: number; times: number }
  | { kind: 'truncate'; at: number };

const at = fc.nat();
export const treeOp: fc.Arbitrary<TreeOp> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('replace' as const), at, value: hostileValue }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), at }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('rename' as const),
      at,
      to: fc.constantFrom(...HOSTILE.slice(0, 12), 'nmae', 'step_typ', 'tyep'),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('duplicate' as const), at }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('wrap' as const), at }) },
);

export const textOp: fc.Arbitrary<TextOp> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('insert' as const),
      at,
      text: fc.constantFrom(
        ':',
        '- ',
        '[',
        '{',
        '}',
        ']',
        '"',
        "'",
        '&a ',
        '*a',
        '\t',
        '\n',
        '  ',
        '#',
        '|',
        '>',
        '? ',
        ',',
        '\\',
        '\u0000',
      ),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('cut' as const), at, length: fc.integer({ min: 1, max: 40 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('repeat-line' as const),
      at,
      times: fc.integer({ min: 2, max: 2000 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at }) },
);

type Container = Record<string, unknown> | unknown[];
interface Slot {
  parent: Container;
  key: string | number;
}

/** Every (parent, key) of a tree, breadth first (no recursion: mutated trees can be deep). */
function slots(root: unknown): Slot[] {
  const out: Slot[] = [];
  const queue: unknown[] = [root];
  for (let i = 0; i < queue.length && out.length < 5000; i++) {
    const node = queue[i];
    if (Array.isArray(node)) {
      node.forEach((v, k) => {
        out.push({ parent: node, key: k });
        queue.push(v);
      });
    } else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        out.push({ parent: node as Record<string, unknown>, key: k });
        queue.push(v);
      }
    }
  }
  return out;
}

function get(s: Slot): unknown {
  return (s.parent as Record<string | number, unknown>)[s.key];
}
function set(s: Slot, v: unknown): void {
  (s.parent as Record<string | number, unknown>)[s.key] = v;
}

export function applyTreeOp(root: unknown, op: TreeOp): void {
  const all = slots(root);
  if (all.length === 0) return;
  const s = all[op.at % all.length];
  switch (op.kind) {
    case 'replace':
      set(s, structuredClone(op.value));
      break;
    case 'delete':
      if (Array.isArray(s.parent)) s.parent.splice(s.key as number, 1);
      else delete s.parent[s.key as string];
      break;
    case 'rename':
      if (!Array.isArray(s.parent)) {
        const v = get(s);
        delete s.parent[s.key as string];
        s.parent[op.to] = v;
      }
      break;
    case 'duplicate':
      if (Array.isArray(s.parent)) s.parent.splice(s.key as number, 0, structuredClone(get(s)));
      else s.parent[`${String(s.key)}_copy`] = structuredClone(get(s));
      break;
    case 'wrap':
      set(s, [get(s)]);
      break;
  }
}

export function applyTextOp(text: string, op: TextOp): string {
  const n = text.length === 0 ? 0 : op.at % text.length;
  switch (op.kind) {
    case 'insert':
      return text.slice(0, n) + op.text + text.slice(n);
    case 'cut':
      return text.slice(0, n) + text.slice(n + op.length);
    case 'repeat-line': {
      const start = text.lastIndexOf('\n', n) + 1;
      const end = text.indexOf('\n', n);
      const line = text.slice(start, end < 0 ? text.length : end + 1);
      return text.slice(0, start) + line.repeat(op.times) + text.slice(start + line.length);
    }
    case 'truncate':
      return text.slice(0, n);
  }
}

export interface Mutation {
  seed: number;
  tree: TreeOp[];
  text: TextOp[];
  /** Which command runs the input (index into the kind's command list). */
  command: number;
}

export const mutation: fc.Arbitrary<Mutation> = fc.record({
  seed: fc.nat(),
  tree: fc.array(treeOp, { minLength: 0, maxLength: 4 }),
  // Text edits on a quarter of the inputs: most inputs should still parse, to reach the deeper code.
  text: fc.oneof(
    { weight: 3, arbitrary: fc.constant([] as TextOp[]) },
    { weight: 1, arbitrary: fc.array(textOp, { minLength: 1, maxLength: 3 }) },
  ),
  command: fc.nat(),
});

/** The mutated text of a seed, as YAML or JSON. */
export function mutate(seed: unknown, m: Mutation, format: 'yaml' | 'json'): string {
  const tree = structuredClone(seed);
  for (const op of m.tree) applyTreeOp(tree, op);
  let text: string;
  try {
    text =
      format === 'json'
        ? JSON.stringify(tree, null, 2)
        : stringify(tree, { aliasDuplicateObjects: false, lineWidth: 0 });
  } catch {
    // A value the writer cannot write (a lone surrogate in a key, say): fall back to the seed.
    text = format === 'json' ? JSON.stringify(seed, null, 2) : stringify(seed);
  }
  for (const op of m.text) text = applyTextOp(text, op);
  return text;
}
