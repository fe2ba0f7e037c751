/** The UI tests' demo pipeline: extract → check → publish; check fails until `<dir>/gate` exists. */
import { join } from 'node:path';

export function demoPipeline(dir: string, name = 'demo', gated = true): string {
  const gate = gated
    ? `test -f ${join(dir, 'gate')} || { echo "FAIL gate file missing" >&2; exit 1; }`
    : 'true';
  return [
    `name: ${name}`,
    'description: the UI demo',
    'frequency: one-time',
    `meta: { owner: ops, tags: [demo] }`,
    'steps:',
    '  - step_type: transform',
    '    name: extract',
    '    command: echo "extracting with $DEMO_DB_PASSWORD"',
    '    no_input: true',
    '    no_output: true',
    '  - step_type: transform',
    '    name: check',
    `    command: echo checking; ${gate}`,
    '    no_input: true',
    '    no_output: true',
    '    depends_on: [extract]',
    '  - step_type: transform',
    '    name: publish',
    '    command: echo published',
    '    no_input: true',
    '    no_output: true',
    '    depends_on: [check]',
    '',
  ].join('\n');
}
