import { lines, runStepTests } from './harness.js';

const wordCount = (emr: string) =>
  lines(
    'name: word_count',
    'frequency: daily',
    'emr_cluster_config:',
    `  ${emr}`,
    'steps:',
    '  - step_type: extract-s3',
    '    name: documents',
    '    directory_uri: s3://acme-etl/{S3_BASE_PATH}/documents/',
    '  - step_type: emr-streaming',
    '    name: count_words',
    '    mapper: scripts/word_mapper.py',
    '    reducer: scripts/word_reducer.py',
    '    hadoop_params:',
    '      - -D mapreduce.job.reduces=2',
  );

runStepTests('emr-streaming', {
  valid: [
    {
      name: 'release label: command-runner.jar with -files',
      step: 'count_words',
      yaml: wordCount('release_label: emr-6.15.0'),
    },
    {
      name: 'AMI 3.x: Hadoop 2 jar with -files',
      step: 'count_words',
      yaml: wordCount('ami_version: 3.11.0'),
    },
    {
      name: 'AMI 2.x: Hadoop 1 with S3 script URIs',
      step: 'count_words',
      yaml: wordCount('ami_version: 2.4.11'),
    },
    {
      name: 'input URIs, map-only, S3 mapper, no version known',
      warnings: ['ETL1132'],
      yaml: lines(
        'name: grep_logs',
        'steps:',
        '  - step_type: emr_streaming',
        '    name: grep_errors',
        '    mapper: s3://acme-etl/scripts/grep_errors.py',
        '    input:',
        '      - s3://acme-etl/logs/a/',
        '      - s3://acme-etl/logs/b/',
        '    output_path: s3://acme-etl/out/errors/',
      ),
    },
  ],
  invalid: [
    {
      name: 'no input',
      yaml: lines(
        'name: p',
        'emr_cluster_config:',
        '  release_label: emr-6.15.0',
        'steps:',
        '  - step_type: emr-streaming',
        '    mapper: scripts/word_mapper.py',
      ),
      errors: [{ code: 'ETL1131', line: 5, column: 5 }],
    },
    {
      name: 'input and input_path together',
      yaml: lines(
        'name: p',
        'steps:',
        '  - step_type: emr-streaming',
        '    mapper: scripts/word_mapper.py',
        '    input: s3://b/in/',
        '    input_path: s3://b/in2/',
      ),
      errors: [{ code: 'ETL1009', line: 6, column: 5 }],
    },
    {
      name: 'missing mapper file',
      yaml: lines(
        'name: p',
        'steps:',
        '  - step_type: emr-streaming',
        '    mapper: scripts/nope.py',
        '    input: s3://b/in/',
      ),
      errors: [{ code: 'ETL3102', line: 4, column: 13 }],
    },
    {
      name: 'input not on S3',
      yaml: lines(
        'name: p',
        'steps:',
        '  - step_type: emr-streaming',
        '    mapper: scripts/word_mapper.py',
        '    input: [s3://b/in/, /tmp/in]',
      ),
      errors: [{ code: 'ETL1130', line: 5, column: 25 }],
    },
  ],
});
