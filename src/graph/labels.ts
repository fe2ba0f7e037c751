/**
 * Label text for each node kind. Only whitelisted, non-secret fields are read here; everything
 * else is visible in the HTML details panel (redacted there).
 */
import type { PipelineObject } from '../definition/model.js';
import { refField, stringField } from '../definition/model.js';
import type { NodeKind } from './model.js';
import { redactUrlPassword } from './redact.js';

const MAX_LINE = 38;

/** Long `#{…}` expressions become `#{…}`; the full text is in the details panel. */
export function shortenExpressions(s: string): string {
  return s.replace(/#\{[^}]*\}/g, (m) => (m.length > 22 ? '#{…}' : m));
}

/** Cut in the middle so both the bucket and the last segments stay visible. */
export function ellipsize(s: string, max = MAX_LINE): string {
  if (s.length <= max) return s;
  const head = Math.ceil((max - 1) / 2);
  const tail = max - 1 - head;
  return `${s.slice(0, head)}…${s.slice(s.length - tail)}`;
}

/** Split a path at `/` into lines of at most `width` characters, at most `maxLines` lines. */
export function wrapPath(path: string, width = MAX_LINE, maxLines = 3): string[] {
  const parts = path.split(/(?<=\/)/);
  const lines: string[] = [];
  let cur = '';
  for (const p of parts) {
    if (cur.length > 0 && cur.length + p.length > width) {
      lines.push(cur);
      cur = '';
    }
    cur += p;
  }
  if (cur) lines.push(cur);
  const fitted = lines.map((l) => ellipsize(l, width));
  if (fitted.length <= maxLines) return fitted;
  return [...fitted.slice(0, maxLines - 1), `…${fitted[fitted.length - 1]}`];
}

function str(o: PipelineObject, key: string): string | undefined {
  const v = stringField(o, key);
  return v === undefined || v === '' ? undefined : v;
}

function tableName(o: PipelineObject): string | undefined {
  const table = str(o, 'tableName') ?? str(o, 'table');
  if (!table) return undefined;
  const schema = str(o, 'schemaName');
  return schema && !table.includes('.') ? `${schema}.${table}` : table;
}

export interface NodeText {
  label: string;
  details: string[];
}

/** Label and detail lines for one object. `runner` is set when activities run on different resources. */
export function nodeText(o: PipelineObject, kind: NodeKind, type: string, runner?: string): NodeText {
  const name = o.name || o.id;
  const details: string[] = [];
  // A name like `extract.CopyActivity` already says the type.
  const typeLine = name.endsWith(type) ? undefined : type;
  const push = (s: string | undefined): void => {
    const line = s ? ellipsize(shortenExpressions(redactUrlPassword(s))) : undefined;
    if (line && !details.includes(line)) details.push(line);
  };
  switch (kind) {
    case 'activity':
      push(typeLine);
      if (runner) push(runner);
      return { label: name, details };
    case 's3': {
      const path = str(o, 'directoryPath') ?? str(o, 'filePath') ?? str(o, 'manifestFilePath');
      if (path) details.push(...wrapPath(shortenExpressions(path)));
      else push(type);
      return { label: name, details };
    }
    case 'table': {
      const table = tableName(o);
      const db = refField(o, 'database');
      if (!table) return { label: name, details: [type] };
      if (name !== table) push(name);
      const typeShown = name !== table && name.endsWith(type);
      push(db ? `${typeShown ? '' : `${type} `}@ ${db}` : typeShown ? undefined : type);
      return { label: table, details };
    }
    case 'resource':
      push(typeLine);
      push(str(o, 'instanceType') ?? str(o, 'masterInstanceType'));
      {
        const core = str(o, 'coreInstanceCount');
        if (core) push(`${core} × ${str(o, 'coreInstanceType') ?? 'core'}`);
        const ttl = str(o, 'terminateAfter');
        if (ttl) push(`terminate after ${ttl}`);
      }
      return { label: name, details };
    case 'schedule': {
      const period = str(o, 'period');
      if (period) push(`every ${period}`);
      push(str(o, 'startDateTime') ? `from ${str(o, 'startDateTime')}` : str(o, 'startAt'));
      const occ = str(o, 'occurrences');
      if (occ) push(`${occ} occurrence${occ === '1' ? '' : 's'}`);
      return { label: name, details };
    }
    case 'alarm': {
      push(typeLine);
      const topic = str(o, 'topicArn');
      if (topic) push(`topic ${topic.slice(topic.lastIndexOf(':') + 1)}`);
      return { label: name, details };
    }
    case 'database':
      push(typeLine);
      push(str(o, 'databaseName'));
      push(str(o, 'rdsInstanceId') ?? str(o, 'clusterId') ?? str(o, 'connectionString'));
      return { label: name, details };
    case 'precondition':
      push(typeLine);
      push(str(o, 's3Key') ?? str(o, 's3Prefix') ?? str(o, 'tableName'));
      return { label: name, details };
    case 'default':
      push(str(o, 'scheduleType') ? `scheduleType ${str(o, 'scheduleType')}` : undefined);
      push(
        str(o, 'failureAndRerunMode') ? `failureAndRerunMode ${str(o, 'failureAndRerunMode')}` : undefined,
      );
      {
        const sched = refField(o, 'schedule');
        if (sched) push(`schedule ${sched}`);
        const runsOn = refField(o, 'runsOn');
        if (runsOn) push(`runsOn ${runsOn}`);
        const wg = str(o, 'workerGroup');
        if (wg) push(`workerGroup ${wg}`);
      }
      return { label: 'Default', details };
    default:
      push(type === '' ? undefined : typeLine);
      return { label: name, details };
  }
}
