import { lines, runStepTests } from './harness.js';

runStepTests('delta-load', {
  valid: [
    {
      name: 'new events since the latest loaded, with a 2-day window',
      yaml: lines(
        'name: events',
        'frequency: hourly',
        'steps:',
        '  - step_type: delta-load',
        '    name: delta_events',
        '    source: tables/staging.events.sql',
        '    destination: tables/analytics.events.sql',
        '    date_column: occurred_at',
        '    window: 2',
      ),
    },
    {
      name: 'filter_clause combined with the delta condition',
      yaml: lines(
        'name: events',
        'steps:',
        '  - step_type: delta_load',
        '    name: delta_clicks',
        '    sql: SELECT * FROM staging.events',
        "    filter_clause: kind = 'click'",
        '    destination: tables/analytics.events.sql',
        '    date_column: occurred_at',
      ),
    },
  ],
  invalid: [
    {
      name: 'date_column not in the destination',
      yaml: lines(
        'name: p',
        'steps:',
        '  - step_type: delta-load',
        '    source: tables/staging.events.sql',
        '    destination: tables/analytics.events.sql',
        '    date_column: occured_at',
      ),
      errors: [{ code: 'ETL3301', line: 6, column: 18 }],
    },
    {
      name: 'missing date_column',
      yaml: lines(
        'name: p',
        'steps:',
        '  - step_type: delta-load',
        '    source: tables/staging.events.sql',
        '    destination: tables/analytics.events.sql',
      ),
      errors: [{ code: 'ETL1005', line: 3, column: 5 }],
    },
    {
      name: 'negative window',
      yaml: lines(
        'name: p',
        'steps:',
        '  - step_type: delta-load',
        '    source: tables/staging.events.sql',
        '    destination: tables/analytics.events.sql',
        '    date_column: occurred_at',
        '    window: -1',
      ),
      errors: [{ code: 'ETL1004', line: 7, column: 13 }],
    },
  ],
});
