/**
 * Inputs that fuzzing found to crash etlctl (or to report an error with no location), kept as
 * regression cases: each is written to `file` in the fuzz folder and run with `args` ($FILE is
 * that file, $DIR the folder; `--json` is added).
 */
export interface Crasher {
  name: string;
  file: string;
  args: string[];
  text: string;
}

const PIPELINE =
  'name: p\nfrequency: daily\nsteps:\n  - step_type: sql-command\n    name: s\n    command: SELECT 1\n';

export const CRASHERS: Crasher[] = [
  {
    // Seed 7: `modes: null` and -m production gave ETL2004 with no file:line.
    name: 'config without modes, -m production (ETL2004 had no location)',
    file: 'no-modes.yaml',
    args: ['pipeline', 'validate', '$DIR/p.yaml', '-c', '$FILE', '-m', 'production'],
    text: 'target: local\ndatabases:\n  warehouse:\n    engine: postgres\nmodes: null\n',
  },
  {
    // Seed 7: a database whose engine key was deleted gave ETL2006 with no line.
    name: 'database without engine (ETL2006 had no line)',
    file: 'no-engine.yaml',
    args: ['pipeline', 'validate', '$DIR/p.yaml', '-c', '$FILE'],
    text: 'target: local\ndatabases:\n  warehouse:\n    database: analytics\n    user: etl\n',
  },
];

/** The pipeline the config crashers validate (written next to them as p.yaml). */
export const CRASHER_PIPELINE = PIPELINE;
