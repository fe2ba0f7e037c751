/** Round-trip assertion for definition JSON, reusable by golden tests of other areas. */
import { expect } from 'vitest';
import { apiToFile, canonicalFileJson, fileToApi } from '../../src/definition/convert.js';
import type { FileDefinitionJson } from '../../src/definition/json.js';

/**
 * file → API → (JSON text) → file gives back the definition in canonical form (aws-cli rules:
 * a one-element list comes back as a single value); with `strict`, the input must already be
 * canonical, i.e. come back identical.
 */
export function expectLosslessRoundTrip(file: FileDefinitionJson, strict = false): void {
  const api = JSON.parse(JSON.stringify(fileToApi(file))) as ReturnType<typeof fileToApi>;
  const back = apiToFile(api);
  expect(back).toEqual(canonicalFileJson(file));
  expect(fileToApi(back)).toEqual(api);
  if (strict) expect(back).toEqual(file);
}
