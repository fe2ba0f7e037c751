import { lines, runStepTests } from './harness.js';

runStepTests('extract-local', {
  valid: [
    {
      name: 'file uploaded as an asset, loaded by the next step',
      yaml: lines(
        'name: seed_lookup',
        'frequency: one-time',
        'steps:',
        '  - step_type: extract-local',
        '    name: seed_file',
        '    path: data/seed.tsv',
        '  - step_type: load-redshift',
        '    name: load_seed',
        '    schema: staging',
        '    table: lookup',
      ),
    },
    {
      name: 'output_path folder gets the file name',
      step: 'seed_file',
      yaml: lines(
        'name: seed_lookup',
        'steps:',
        '  - step_type: extract_local',
        '    name: seed_file',
        '    path: data/seed.tsv',
        '    output_path: s3://acme-etl/seeds/',
      ),
    },
  ],
  invalid: [
    {
      name: 'only for one-time pipelines',
      yaml: lines(
        'name: p',
        'frequency: daily',
        'steps:',
        '  - step_type: extract-local',
        '    path: data/seed.tsv',
      ),
      errors: [{ code: 'ETL1101', line: 4, column: 5 }],
    },
    {
      name: 'missing file',
      yaml: lines('name: p', 'steps:', '  - step_type: extract-local', '    path: data/nope.tsv'),
      errors: [{ code: 'ETL3102', line: 4, column: 11 }],
    },
    {
      name: 'missing path',
      yaml: lines('name: p', 'steps:', '  - step_type: extract-local', '    name: x'),
      errors: [{ code: 'ETL1005', line: 3, column: 5 }],
    },
    {
      name: 'output_path with an expression',
      yaml: lines(
        'name: p',
        'steps:',
        '  - step_type: extract-local',
        '    path: data/seed.tsv',
        "    output_path: s3://b/#{format(@scheduledStartTime,'YYYY')}/x.tsv",
      ),
      errors: [{ code: 'ETL1102', line: 5, column: 18 }],
    },
  ],
});
