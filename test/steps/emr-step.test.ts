import { lines, runStepTests } from './harness.js';

runStepTests('emr-step', {
  valid: [
    {
      name: 'spark job reading the previous step, writing output_path',
      yaml: lines(
        'name: sessions',
        'frequency: daily',
        'emr_cluster_config:',
        '  release_label: emr-6.15.0',
        '  applications: [Spark]',
        'steps:',
        '  - step_type: extract-s3',
        '    name: clicks',
        '    directory_uri: s3://acme-etl/{S3_BASE_PATH}/clicks/',
        '  - step_type: emr-step',
        '    name: sessionize',
        '    step_string: command-runner.jar,spark-submit,--deploy-mode,cluster,s3://acme-etl/jobs/sessionize.py,--gap\\\\\\\\,minutes,30',
        '    output_path: s3://acme-etl/etlctl/sessions/',
      ),
    },
    {
      name: 'several steps, no input, no output (emr_job alias)',
      yaml: lines(
        'name: maintenance',
        'steps:',
        '  - step_type: emr_job',
        '    name: compact',
        '    depends_on: []',
        '    step_string:',
        '      - s3://acme-etl/jars/compact.jar,--table,events',
        '      - s3://acme-etl/jars/compact.jar,--table,users',
      ),
    },
  ],
  invalid: [
    {
      name: 'missing step_string',
      yaml: lines('name: p', 'steps:', '  - step_type: emr-step', '    name: x'),
      errors: [{ code: 'ETL1005', line: 3, column: 5 }],
    },
    {
      name: 'step string without a jar',
      yaml: lines('name: p', 'steps:', '  - step_type: emr-step', '    step_string: ",--table,events"'),
      errors: [{ code: 'ETL1133', line: 4, column: 18 }],
    },
    {
      name: 'unknown placeholder in one of several steps',
      yaml: lines(
        'name: p',
        'steps:',
        '  - step_type: emr-step',
        '    step_string:',
        '      - a.jar,{S3_BASE_PATH}',
        '      - a.jar,{BUCKET}',
      ),
      errors: [{ code: 'ETL1103', line: 6, column: 9 }],
    },
    {
      name: 'step string with a line break',
      yaml: lines(
        'name: p',
        'steps:',
        '  - step_type: emr-step',
        '    step_string: |',
        '      a.jar,',
        '      --x',
      ),
      errors: [{ code: 'ETL1134', line: 4, column: 18 }],
    },
  ],
});
