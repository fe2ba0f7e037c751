/**
 * Codes of the "habits of a mature CLI" area (issue 18): init, editor schemas, completion, local
 * pipeline management, alerts (ETL1500–1599, ETL8300–8399).
 */
import type { CodeTable } from '../code-table.js';

export const HABITS_CODES: CodeTable = {
  ETL1500: {
    severity: 'error',
    category: 'usage',
    summary: 'etlctl init: the folder is already an etlctl project',
    explain:
      '`etlctl init DIR` writes a new project (config/etlctl.yaml, an example pipeline, .gitignore) and ' +
      'never overwrites a config. Run etlctl in the existing project, or name a new folder.',
    exit: 2,
  },
  ETL1501: {
    severity: 'warning',
    category: 'spec',
    summary: 'an unquoted command was cut at " #" (YAML comment)',
    explain:
      'In YAML a ` #` after an unquoted value starts a comment, so `command: grep -c x f # count` runs ' +
      '`grep -c x f`. If the `#` belongs to the command, quote it (`command: "… # …"`) or write it as a ' +
      'block (`command: |`); if it is a comment, move it to its own line to silence this warning.',
  },
  ETL8300: {
    severity: 'error',
    category: 'usage',
    summary: 'etlctl completion: unknown shell',
    explain:
      'Completion scripts exist for bash, zsh and fish: `eval "$(etlctl completion bash)"` in ~/.bashrc.',
    exit: 2,
  },
  ETL8301: {
    severity: 'error',
    category: 'usage',
    summary: 'pipeline clear: not confirmed, nothing was forgotten',
    explain:
      '`etlctl pipeline clear NAME` forgets every local run, instance and attempt of a pipeline (logs and data ' +
      'stay). It asks first; answer yes, or pass --yes in scripts.',
  },
  ETL8302: {
    severity: 'error',
    category: 'usage',
    summary: 'pipeline clear: the pipeline is running',
    explain:
      'A pipeline with a live run (an activate or an agent working on it) cannot be cleared. Wait for the run to end or stop it, then clear.',
  },
  ETL8303: {
    severity: 'error',
    category: 'usage',
    summary: 'pipeline clear: this state store cannot forget pipelines',
    explain:
      'The configured state store does not implement forgetting a pipeline; the embedded SQLite store does.',
  },
  ETL8304: {
    severity: 'error',
    category: 'usage',
    summary: 'pipeline clear works on local targets only',
    explain:
      'On AWS, `etlctl pipeline delete NAME` removes a deployed pipeline and its history; `clear` forgets local runs.',
    exit: 2,
  },
  ETL8305: {
    severity: 'error',
    category: 'usage',
    summary: '--no-wait-retry and --retry-delay given together',
    explain:
      'Both set how long a failed local step waits before its retry: --no-wait-retry retries at once, ' +
      "--retry-delay DURATION waits that long instead of the definition's retryDelay. Give one.",
    exit: 2,
  },
};
