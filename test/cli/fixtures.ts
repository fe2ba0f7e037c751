/** Hand-written definitions for the CLI tests: shell steps that run anywhere, on demand. */
export const ondemand = { id: 'Default', name: 'Default', scheduleType: 'ondemand' };

export const sh = (id: string, command: string, extra: Record<string, unknown> = {}) => ({
  id,
  name: id,
  type: 'ShellCommandActivity',
  workerGroup: 'local',
  command,
  ...extra,
});

/** A config whose only database cannot be reached (port 1), and a one-step pipeline that uses it. */
export const DOWN_CONFIG =
  'target: local\naws:\n  s3_bucket: b\ndatabases:\n  down:\n    engine: postgres\n    database: x\n    user: u\n    url: postgres://postgres@127.0.0.1:1/x\n';
export const DOWN_PIPELINE =
  'name: down\nfrequency: one-time\nsteps:\n  - step_type: sql-command\n    name: q\n    database: down\n    command: SELECT 1\n';
/** A pipeline with an unknown step type (ETL1007 at line 4). */
export const BAD_PIPELINE = 'name: bad\nfrequency: daily\nsteps:\n  - step_type: extract-rdz\n    name: x\n';
