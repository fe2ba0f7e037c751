/**
 * The one set of Ajv options, shared by the run-time compiler (src/spec/validate.ts) and the
 * build-time generator (scripts/gen-validators.mjs), so pre-generated validators report exactly
 * the errors a freshly compiled one would.
 */
import type { Options } from 'ajv';

// No `verbose`, no optimizer: both roughly triple compile time and change nothing we report (the
// schema around an unknown key, which `verbose` gave, is looked up from `schemaPath` instead).
export const AJV_OPTIONS: Options = {
  allErrors: true,
  strict: false,
  allowUnionTypes: true,
  code: { optimize: false },
};
