/**
 * Reading a definition JSON file (definition-file or API format) for `definition visualize`.
 * Only what drawing needs: the full AWS checks are `definition validate`'s job.
 */
import { readFile } from 'node:fs/promises';
import type { Definition } from '../definition/model.js';
import type { ApiDefinitionJson, FileDefinitionJson } from '../definition/json.js';
import { fromApiJson, fromFileJson, isApiJson } from '../definition/json.js';
import { EtlError, ExitCode, diag } from '../diagnostics.js';

/** JSON.parse error → 1-based line/column (Node says "at position N" or "line L column C"). */
function jsonErrorPosition(text: string, message: string): { line?: number; column?: number } {
  const lc = /line (\d+) column (\d+)/.exec(message);
  if (lc) return { line: Number(lc[1]), column: Number(lc[2]) };
  const pos = /position (\d+)/.exec(message);
  if (!pos) return {};
  const lines = text.slice(0, Number(pos[1])).split('\n');
  return { line: lines.length, column: lines[lines.length - 1].length + 1 };
}

function isObjectList(v: unknown): v is { id?: unknown }[] {
  return Array.isArray(v) && v.every((o) => typeof o === 'object' && o !== null && !Array.isArray(o));
}

export async function readDefinitionForGraph(
  file: string,
): Promise<{ definition: Definition; text: string }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new EtlError(
      diag('ETL5002', code === 'ENOENT' ? 'file not found' : `cannot read file (${code ?? String(e)})`, {
        file,
        hint: 'check the path to the definition JSON file',
      }),
      ExitCode.USAGE,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    throw new EtlError(
      diag('ETL5004', `not valid JSON: ${message}`, {
        file,
        ...jsonErrorPosition(text, message),
        hint: 'definition files are strict JSON (no comments, no trailing commas)',
      }),
    );
  }
  if (isApiJson(json) && isObjectList(json.pipelineObjects)) {
    return { definition: fromApiJson(json as ApiDefinitionJson), text };
  }
  const objects = (json as { objects?: unknown } | null)?.objects;
  if (typeof json === 'object' && json !== null && isObjectList(objects)) {
    const missingId = objects.findIndex((o) => typeof o.id !== 'string' || o.id === '');
    if (missingId >= 0) {
      throw new EtlError(
        diag('ETL5006', `object #${missingId + 1} has no "id", so it cannot be drawn`, {
          file,
          hint: 'give every object a unique string "id" (etlctl definition validate lists all problems)',
        }),
      );
    }
    return { definition: fromFileJson(json as FileDefinitionJson), text };
  }
  throw new EtlError(
    diag(
      'ETL5005',
      'not a Data Pipeline definition: expected an "objects" list (file format) or "pipelineObjects" (API format)',
      {
        file,
        line: 1,
        hint: 'pass a definition JSON file, e.g. one written by `etlctl pipeline compile`',
      },
    ),
  );
}
