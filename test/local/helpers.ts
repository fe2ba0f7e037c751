import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Definition } from '../../src/definition/model.js';
import { fromFileJson } from '../../src/definition/json.js';
import type { FileObjectJson } from '../../src/definition/json.js';

export function tempDir(prefix = 'etlctl-local-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A hand-written Data Pipeline definition (file format), with a pipeline name for the state store. */
export function definition(
  name: string,
  objects: FileObjectJson[],
  values: Record<string, string> = {},
): Definition {
  const def = fromFileJson({ objects, values });
  def.meta = { pipelineName: name, assets: [], secrets: {}, steps: [] };
  return def;
}

export const worker = { workerGroup: 'local' };

export function onDemandDefault(extra: Record<string, unknown> = {}): FileObjectJson {
  return { id: 'Default', name: 'Default', scheduleType: 'ondemand', ...extra };
}

export function shell(id: string, command: string, extra: Record<string, unknown> = {}): FileObjectJson {
  return { id, name: id, type: 'ShellCommandActivity', command, ...worker, ...extra };
}
