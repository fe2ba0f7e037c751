import { lines, runStepTests } from './harness.js';

runStepTests('extract-s3', {
  valid: [
    {
      name: 'daily folder with an expression and {S3_BASE_PATH}, loaded next',
      yaml: lines(
        'name: partner_feed',
        'frequency: daily',
        'steps:',
        '  - step_type: extract-s3',
        '    name: partner_files',
        "    directory_uri: s3://partner-drop/{S3_BASE_PATH}/feed/#{format(@scheduledStartTime,'YYYY-MM-dd')}",
        '  - step_type: load-redshift',
        '    name: load_feed',
        '    schema: staging',
        '    table: partner_feed',
        '    compression: gzip',
      ),
    },
    {
      name: 'a single file',
      mode: 'production',
      yaml: lines(
        'name: one_file',
        'steps:',
        '  - step_type: extract_s3',
        '    name: one',
        '    file_uri: s3://acme-etl/{S3_BASE_PATH}/in/users.tsv',
      ),
    },
  ],
  invalid: [
    {
      name: 'file_uri and directory_uri together',
      yaml: lines(
        'name: p',
        'steps:',
        '  - step_type: extract-s3',
        '    file_uri: s3://b/a.tsv',
        '    directory_uri: s3://b/dir/',
      ),
      errors: [{ code: 'ETL1009', line: 5, column: 5 }],
    },
    {
      name: 'neither file_uri nor directory_uri',
      yaml: lines('name: p', 'steps:', '  - step_type: extract-s3', '    name: x'),
      errors: [{ code: 'ETL1008', line: 3, column: 5 }],
    },
    {
      name: 'unknown placeholder',
      yaml: lines('name: p', 'steps:', '  - step_type: extract-s3', '    file_uri: s3://b/{S3_BUCKET}/a.tsv'),
      errors: [{ code: 'ETL1103', line: 4, column: 15 }],
    },
    {
      name: 'not an S3 URI',
      yaml: lines('name: p', 'steps:', '  - step_type: extract-s3', '    directory_uri: /data/in/'),
      errors: [{ code: 'ETL1104', line: 4, column: 20 }],
    },
  ],
});
