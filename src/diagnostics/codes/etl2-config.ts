/** ETL2xxx: config files, modes, connections and secrets. */
import type { CodeTable } from '../code-table.js';
import { error } from '../code-doc.js';

const C = 'config';

export const configCodes: CodeTable = {
  ETL2001: error(
    C,
    'config file not found',
    'The file given with --config (or $ETLCTL_CONFIG) does not exist. Pass an existing file, or create config/etlctl.yaml.',
    2,
  ),
  ETL2002: error(
    C,
    'unknown config key',
    'The key is not part of the config schema (see config/etlctl.yaml and the README). It is usually a typo: the hint names the closest known key.',
  ),
  ETL2003: error(
    C,
    'a config section has the wrong shape',
    'The config file, and each database under `databases:`, must be a YAML mapping of settings.',
  ),
  ETL2004: error(
    C,
    'unknown mode',
    'The mode given with -m/--mode (or $ETLCTL_MODE) is not under `modes:` in the config; the hint lists the known modes.',
    2,
  ),
  ETL2005: error(
    C,
    "target must be 'local' or 'aws'",
    'Set `target: local` or `target: aws` in the config or the mode.',
  ),
  ETL2006: error(
    C,
    'database engine must be mysql, postgres or redshift',
    'Each database under `databases:` names its engine, so steps and the local engine know how to talk to it.',
  ),
  ETL2007: error(
    C,
    'a database sets both cluster_id and connection_string',
    'A Redshift database is identified by cluster_id or by connection_string, not both.',
  ),
  ETL2008: error(
    C,
    'a database password is written in the clear or malformed',
    'Passwords never go in the config in the clear: write ${env:VARIABLE} or ${file:key} (a key of the secrets file). They become masked parameters supplied only at activation.',
  ),
  ETL2009: error(
    C,
    'local.overlap_steps must be true or false',
    'overlap_steps turns off reading a load while its extract writes; write `overlap_steps: false` to run each load after its extract has finished.',
  ),
  ETL2010: error(
    C,
    'a secret is not available',
    'A password referenced as ${env:NAME} or ${file:key} cannot be read: the environment variable is not set, the secrets file is missing, or the key is not in it. The message names the source, never a value. `pipeline activate --dry-run` reports this as a warning.',
    3,
  ),
  ETL2020: error(
    C,
    'a step needs a database and none is named',
    "Set the step's database key, or defaults.warehouse in the config; the hint lists the configured databases.",
  ),
  ETL2021: error(
    C,
    'unknown database connection',
    'The step names a connection that is not under `databases:` in the config; the hint names the closest one.',
  ),
  ETL2022: error(
    C,
    'the database has an engine this step cannot use',
    'The step needs a connection of another engine (the message says which).',
  ),
  ETL2030: error(
    C,
    'the config has no aws.s3_bucket',
    'The pipeline writes data, logs and assets under aws.s3_bucket; set it in the config (or the mode).',
  ),
};
