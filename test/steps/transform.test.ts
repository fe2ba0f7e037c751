import { lines, runStepTests } from './harness.js';

runStepTests('transform', {
  valid: [
    {
      name: 'command on the previous step output, with named outputs',
      yaml: lines(
        'name: words',
        'steps:',
        '  - step_type: extract-s3',
        '    name: raw',
        '    directory_uri: s3://acme-etl/{S3_BASE_PATH}/incoming/',
        '  - step_type: transform',
        '    name: split',
        '    command: cut -f1 "$INPUT1_STAGING_DIR"/* > "$OUTPUT1_STAGING_DIR/a/part-0"',
        '    output_node: [a, b]',
        '    script_arguments: [{mode: fast}, "{S3_BASE_PATH}/x"]',
      ),
    },
    {
      name: 'local script uploaded as an asset, no input, no output',
      yaml: lines(
        'name: words',
        'steps:',
        '  - step_type: transform',
        '    name: check',
        '    script: scripts/check_rows.sh',
        '    no_input: true',
        '    no_output: true',
      ),
    },
    {
      name: 'local script directory uploaded under one content-addressed prefix',
      yaml: lines(
        'name: words',
        'steps:',
        '  - step_type: transform',
        '    name: tools',
        '    script_directory: scripts',
        '    script_name: check_rows.sh',
        '    no_output: true',
      ),
    },
    {
      name: 'script directory on EMR',
      yaml: lines(
        'name: words',
        'steps:',
        '  - step_type: transform',
        '    name: tools',
        '    script_directory: s3://acme-etl/tools/',
        '    script_name: run.sh',
        '    resource_type: emr',
        '    no_output: true',
      ),
    },
  ],
  invalid: [
    {
      name: 'two ways to say what to run',
      yaml: lines(
        'name: p',
        'steps:',
        '  - step_type: transform',
        '    command: ls',
        '    script_uri: s3://b/x.sh',
      ),
      errors: [{ code: 'ETL1009', line: 5, column: 5 }],
    },
    {
      name: 'missing local script',
      yaml: lines('name: p', 'steps:', '  - step_type: transform', '    script: scripts/nope.sh'),
      errors: [{ code: 'ETL3102', line: 4, column: 13 }],
    },
    {
      name: 'missing script directory',
      yaml: lines(
        'name: p',
        'steps:',
        '  - step_type: transform',
        '    script_directory: nope/',
        '    script_name: run.sh',
      ),
      errors: [{ code: 'ETL1018', line: 4, column: 23 }],
    },
    {
      name: 'bad resource type',
      yaml: lines(
        'name: p',
        'steps:',
        '  - step_type: transform',
        '    command: ls',
        '    resource_type: lambda',
      ),
      errors: [{ code: 'ETL1006', line: 5, column: 20 }],
    },
  ],
});
