/** Codes of the local engine's state store and scheduler (range ETL7300–ETL7499). */
import type { CodeTable } from '../code-table.js';

export const ENGINE_CODES: CodeTable = {
  ETL7300: {
    severity: 'error',
    category: 'engine',
    summary: 'the local state database stayed locked by another process',
    explain:
      'etlctl keeps run state in SQLite (`.etlctl/state.db`). Several etlctl processes may share it (an ' +
      'agent and an activation, two activations); each waits for the others and retries for about 30 ' +
      'seconds. This error means another process held the database for longer than that, usually a ' +
      'process that is stuck. Find it (`fuser .etlctl/state.db`), let it finish or stop it, and run the ' +
      'command again.',
    exit: 3,
  },
  ETL7301: {
    severity: 'error',
    category: 'engine',
    summary: 'the local state database was written by a newer etlctl',
    explain:
      'The state database records the version of its schema. This one is newer than the versions this ' +
      'etlctl knows, so it was created or upgraded by a newer etlctl, and writing to it could lose what ' +
      'the newer version records. Upgrade etlctl, or point `local.state_dir` at another directory.',
    exit: 3,
  },
  ETL7302: {
    severity: 'error',
    category: 'engine',
    summary: 'an unknown action kind was recorded',
    explain:
      'Actions people take on runs (rerun, backfill, pause, resume, acknowledge) are recorded in the state ' +
      'store for the audit trail. Any other kind is refused so the trail keeps one meaning per entry.',
  },
  ETL7303: {
    severity: 'error',
    category: 'engine',
    summary: 'the local state database cannot be read or written',
    explain:
      'SQLite reported that the state database cannot be used: the disk is full, the file or its ' +
      'directory is read-only, an I/O error occurred or the file is damaged. Free space or fix the ' +
      'permissions of `local.state_dir`; a damaged file can be moved aside (run history is lost, the ' +
      'data in your databases is not).',
    exit: 3,
  },
  ETL7304: {
    severity: 'error',
    category: 'engine',
    summary: 'a shared state store URL is not supported by this etlctl',
    explain:
      'Run state lives in SQLite under `local.state_dir`. A shared store for many agents ' +
      '(`local.state_url: postgres://…`) needs an etlctl that implements it; leave the setting out to ' +
      'use the embedded store.',
  },
};
