/**
 * QueryObjects and DescribeObjects of the loopback Data Pipeline stand-in (fake-aws.ts hands these
 * two operations here), as the API reference documents them:
 *  - QueryObjects: sphere COMPONENT (the definition's objects), INSTANCE or ATTEMPT (a pipeline's
 *    `instances`, an attempt being an object with an `@instanceParent` field); `query.selectors`
 *    with EQ, REF_EQ, LE, GE and BETWEEN on a field (date-times compare as text, as the API's
 *    `YYYY-MM-DDTHH:MM:SS` form allows); `limit` (default 100, at most 500) and an opaque `marker`.
 *  - DescribeObjects: at most 25 ids; the answer is paged too (`describePageSize` objects a page,
 *    `marker` to go on), so a client that ignores the marker loses objects.
 */

interface ApiField {
  key: string;
  stringValue?: string;
  refValue?: string;
}
interface ApiObject {
  id: string;
  name: string;
  fields: ApiField[];
}
interface Holder {
  objects: ApiObject[];
  instances: ApiObject[];
}

export class ObjectsError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

/** Objects per DescribeObjects page (tests lower it to exercise the marker). */
export const objectsPaging = { describePageSize: 25 };

interface Selector {
  fieldName?: string;
  operator?: { type?: string; values?: string[] };
}

function field(o: ApiObject, key: string): string | undefined {
  const f = o.fields.find((x) => x.key === key);
  return f ? (f.stringValue ?? f.refValue) : undefined;
}

function matches(o: ApiObject, s: Selector): boolean {
  const v = field(o, s.fieldName ?? '');
  const [a, b] = s.operator?.values ?? [];
  if (v === undefined) return false;
  switch (s.operator?.type) {
    case 'EQ':
    case 'REF_EQ':
      return v === a;
    case 'LE':
      return v <= (a ?? '');
    case 'GE':
      return v >= (a ?? '');
    case 'BETWEEN':
      return v >= (a ?? '') && v <= (b ?? '');
    default:
      throw new ObjectsError('InvalidRequestException', `unknown operator type ${s.operator?.type}`);
  }
}

/** The answer to QueryObjects / DescribeObjects, or undefined for another operation. */
export function objectsOperation(op: string, json: Record<string, unknown>, p: Holder | undefined): unknown {
  if (op !== 'QueryObjects' && op !== 'DescribeObjects') return undefined;
  if (!p)
    throw new ObjectsError('PipelineNotFoundException', `Pipeline ${String(json.pipelineId)} not found`);
  const start = json.marker ? Number(json.marker) : 0;
  if (op === 'QueryObjects') {
    const sphere = String(json.sphere ?? '');
    if (!['COMPONENT', 'INSTANCE', 'ATTEMPT'].includes(sphere))
      throw new ObjectsError('InvalidRequestException', `sphere must be COMPONENT, INSTANCE or ATTEMPT`);
    const limit = Number(json.limit ?? 100);
    if (!(limit >= 1 && limit <= 500)) throw new ObjectsError('InvalidRequestException', 'limit: 1–500');
    const selectors = ((json.query as { selectors?: Selector[] } | undefined)?.selectors ?? []) as Selector[];
    const pool =
      sphere === 'COMPONENT'
        ? p.objects
        : p.instances.filter((o) => (field(o, '@instanceParent') !== undefined) === (sphere === 'ATTEMPT'));
    const ids = pool.filter((o) => selectors.every((s) => matches(o, s))).map((o) => o.id);
    const more = start + limit < ids.length;
    return {
      ids: ids.slice(start, start + limit),
      hasMoreResults: more,
      ...(more ? { marker: String(start + limit) } : {}),
    };
  }
  const ids = (json.objectIds as string[]) ?? [];
  if (ids.length > 25) throw new ObjectsError('InvalidRequestException', 'objectIds: at most 25 identifiers');
  const all = [...p.objects, ...p.instances];
  const found = ids.map((id) => all.find((o) => o.id === id)).filter((o): o is ApiObject => Boolean(o));
  const size = objectsPaging.describePageSize;
  const more = start + size < found.length;
  return {
    pipelineObjects: found.slice(start, start + size),
    hasMoreResults: more,
    ...(more ? { marker: String(start + size) } : {}),
  };
}
