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
  ETL8300: {
    severity: 'error',
    category: 'usage',
    summary: 'etlctl completion: unknown shell',
    explain:
      'Completion scripts exist for bash, zsh and fish: `eval "$(etlctl completion bash)"` in ~/.bashrc.',
    exit: 2,
  },
};
