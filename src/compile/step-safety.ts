/**
 * Checks every step gets whatever its type, before its plugin runs: the step's name (a file
 * name in logs and data paths), and every S3 URI among its parameters (`input_path`,
 * `output_path`, `directory_uri`, EMR inputs …) against the bucket naming rules, with no `.` or
 * `..` key segment that would escape a prefix (and the local S3 folder).
 */
import type { KeyPath } from '../spec/yaml.js';
import { isRecord } from '../spec/yaml.js';
import { invalidS3Uri, looksLikeS3, MAX_NAME_LENGTH, safeNameHint, unsafeName } from '../spec/names.js';
import type { StepContext } from './context.js';

/** Every string inside a parameter value, with its key path. */
function strings(v: unknown, path: KeyPath, out: [KeyPath, string][]): void {
  if (typeof v === 'string') out.push([path, v]);
  else if (Array.isArray(v)) v.forEach((x, i) => strings(x, [...path, i], out));
  else if (isRecord(v)) for (const [k, x] of Object.entries(v)) strings(x, [...path, k], out);
}

/** Reports unsafe step names and S3 URIs at their keys; true when there were none. */
export function checkStepLocations(ctx: StepContext): boolean {
  let ok = true;
  const name = ctx.step.name;
  if (typeof ctx.params.name === 'string') {
    const why = unsafeName(name, MAX_NAME_LENGTH);
    // Characters are the schema's business; length and a leading dot are not in it.
    if (why && /^[A-Za-z0-9_.-]+$/.test(name)) {
      ctx.error(
        'ETL1203',
        `step name '${name.length > 40 ? name.slice(0, 40) + '…' : name}' cannot be used: ${why}`,
        ['name'],
        `step names are part of object ids, log file names and S3 data paths; ${safeNameHint(name, MAX_NAME_LENGTH)}`,
      );
      ok = false;
    }
  }
  const found: [KeyPath, string][] = [];
  for (const [k, v] of Object.entries(ctx.params))
    if (k !== 'step_type' && k !== 'name') strings(v, [k], found);
  for (const [key, value] of found) {
    if (!looksLikeS3(value)) continue;
    const why = invalidS3Uri(value);
    if (!why) continue;
    ctx.error(
      'ETL1201',
      `${key.join('.')}: ${why}`,
      key,
      "write s3://bucket/key with a valid bucket name; '.' and '..' segments are not allowed in keys",
    );
    ok = false;
  }
  return ok;
}
