/**
 * Codes of the run actions (rerun, backfill, pause/resume, acknowledge) and of `etlctl ui`
 * (issue 14): range ETL7700–ETL7799.
 */
import type { CodeTable } from '../code-table.js';

export const UI_CODES: CodeTable = {
  ETL7700: {
    severity: 'error',
    category: 'engine',
    summary: 'no local pipeline of that name in the state store',
    explain:
      'Run actions (rerun, backfill, pause, resume, acknowledge) work on pipelines the local state store ' +
      'knows, i.e. pipelines activated at least once with a local mode. Check the name with ' +
      '`etlctl pipeline status`, or activate the pipeline first.',
  },
  ETL7701: {
    severity: 'error',
    category: 'engine',
    summary: 'the pipeline has no such instance',
    explain:
      'An instance is named by its id (`--instance`, as `pipeline status --json` and the UI show it) or by ' +
      'its step and scheduled start (`--step NAME --date 2026-03-01`). Only instances of the current ' +
      'generation (the latest activation of a one-time pipeline) can be acted on.',
  },
  ETL7702: {
    severity: 'error',
    category: 'engine',
    summary: 'an instance that would be rerun is running',
    explain:
      'A rerun or backfill resets instances to waiting; one that is running now belongs to a worker, and ' +
      'resetting it would let two attempts run at once. Wait for it to end, then rerun.',
  },
  ETL7703: {
    severity: 'error',
    category: 'engine',
    summary: 'only an ended instance can be rerun',
    explain:
      'Rerun takes an instance that ended (FINISHED, FAILED, CASCADE_FAILED, TIMEDOUT, CANCELED, SKIPPED) ' +
      'and makes it wait to run again. A waiting instance runs on the next run of the pipeline anyway.',
  },
  ETL7704: {
    severity: 'error',
    category: 'usage',
    summary: 'the backfill range is empty',
    explain:
      'A backfill covers scheduled starts from `--from` (included) to `--to` (left out); `--to` must be ' +
      'later than `--from`.',
    exit: 2,
  },
  ETL7705: {
    severity: 'error',
    category: 'engine',
    summary: 'only a failed instance can be acknowledged',
    explain:
      'Acknowledging marks a failure as seen and handled (with a note), so the grid shows it apart from ' +
      'open failures. Instances that did not fail have nothing to acknowledge.',
  },
  ETL7706: {
    severity: 'error',
    category: 'engine',
    summary: 'the pipeline has no stored definition to run',
    explain:
      'Running a pipeline from the state store (`--now`, or the UI after an action) uses the definition ' +
      'recorded at its last activation. Activate the pipeline again to record one.',
  },
  ETL7713: {
    severity: 'error',
    category: 'usage',
    summary: 'the pipeline is paused: resume it before activating it',
    explain:
      '`pipeline pause` (or the UI) stopped the pipeline; activating it again would make it run, and a ' +
      'scheduled one active, with no `resume` in its action history. Run `etlctl pipeline resume NAME` ' +
      '(recorded with who and when), then activate it. `pipeline run-step` still runs one step of a ' +
      'paused pipeline without changing it.',
    exit: 2,
  },
  ETL7710: {
    severity: 'error',
    category: 'usage',
    summary: 'etlctl ui cannot listen on the address',
    explain:
      'The port is taken or the host is not an address of this machine. Pick another `--port` (0 lets the ' +
      'system choose) or `--host`.',
    exit: 3,
  },
  ETL7711: {
    severity: 'error',
    category: 'usage',
    summary: 'etlctl ui on a non-loopback address needs a token',
    explain:
      'Bound to 127.0.0.1 (the default) only this machine can reach the UI. On any other `--host` every ' +
      'request must carry a token: set `ETLCTL_UI_TOKEN` (at least 16 characters), or let etlctl make one ' +
      'and print it once at start. Open the printed URL (it carries the token once and sets a cookie).',
    exit: 2,
  },
  ETL7712: {
    severity: 'error',
    category: 'usage',
    summary: 'etlctl ui has no local state store to show',
    explain:
      'The UI shows the state store of the mode (`local.state_dir`). Nothing was ever activated with this ' +
      'mode, so there is nothing to show yet: run `etlctl pipeline activate FILE -m MODE` first.',
    exit: 2,
  },
  ETL7707: {
    severity: 'error',
    category: 'usage',
    summary: 'no step of that name to run',
    explain:
      "`--select`, `--from` and `pipeline run-step` name steps by their YAML `name:` (all of the step's " +
      'activities) or by an activity id as `pipeline compile` writes it (e.g. `load.RedshiftCopy`).',
    exit: 2,
  },
  ETL7708: {
    severity: 'error',
    category: 'engine',
    summary: 'the step has no instance scheduled at or before the date',
    explain:
      "`pipeline run-step FILE STEP --date D` runs the step's instance of the latest period that starts at " +
      'or before D. The schedule starts after D: give a later --date, or none (now).',
  },
};
