/** Ajv validators for the schemas the catalog publishes, with the string formats they use. */
import { Ajv } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';

const FORMATS: Record<string, RegExp | ((s: string) => boolean)> = {
  'date-time': (s) =>
    /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(s) && !Number.isNaN(Date.parse(s)),
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  uri: (s) => {
    try {
      return new URL(s).protocol.length > 1;
    } catch {
      return false;
    }
  },
};

export function validator(schema: object, draft2020 = false): (value: unknown) => string[] {
  const ajv = draft2020
    ? new Ajv2020({ allErrors: true, strict: true })
    : new Ajv({ allErrors: true, strict: true });
  for (const [name, f] of Object.entries(FORMATS)) ajv.addFormat(name, f);
  const validate = ajv.compile(schema);
  return (value) =>
    validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
}
