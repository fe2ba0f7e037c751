/**
 * Reading a definition JSON file (definition-file or API format) for `definition visualize`.
 * Only what drawing needs: the full AWS checks are `definition validate`'s job.
 */
import type { Definition } from '../definition/model.js';
import { fromApiJson, fromFileJson } from '../definition/json.js';
import { EtlError, ExitCode, diag } from '../diagnostics.js';
import { entryPosition, parseDefinitionText, readWithin, tooLarge } from '../definition/json-scan.js';

export async function readDefinitionForGraph(
  file: string,
): Promise<{ definition: Definition; text: string }> {
  let read: { text: string } | { bytes: number };
  try {
    read = readWithin(file);
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
  if ('bytes' in read) throw new EtlError(tooLarge(file, read.bytes));
  const text = read.text;
  // Size, nesting and syntax with the error's own position (issue 12).
  const parsed = parseDefinitionText(text, file, { syntax: 'ETL5004' });
  if (parsed.json === undefined) throw new EtlError(parsed.diagnostics);
  const json = parsed.json;
  // The checker's shape pass cleans what a hand-written file may hold (non-string names, fields
  // that are not lists, numbers for strings): drawing used to crash on those (issue 12).
  const { checkRawJson } = await import('../definition/rules/rawJson.js');
  const raw = checkRawJson(json, file);
  const NO_ID = /\b(objects|pipelineObjects)\[(\d+)\](?: \{.*| has no string "id")$/;
  const missing = raw.diagnostics.find((d) => d.code === 'ETL4003' && NO_ID.test(d.message));
  if (raw.clean && missing) {
    const m = NO_ID.exec(missing.message);
    const index = Number(m?.[2] ?? 0);
    throw new EtlError(
      diag('ETL5006', `object #${index + 1} has no "id", so it cannot be drawn`, {
        file,
        ...(entryPosition(parsed, m?.[1] ?? 'objects', index) ?? { line: 1, column: 1 }),
        hint: 'give every object a unique string "id" (etlctl definition validate lists all problems)',
      }),
    );
  }
  if (raw.format === 'api' && raw.clean) return { definition: fromApiJson(raw.clean), text };
  if (raw.format === 'file' && raw.clean) return { definition: fromFileJson(raw.clean), text };
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
