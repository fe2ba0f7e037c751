/**
 * The pipeline file's top level, read before any step: frequency, load time, schedule start
 * (with `-t`/`-b`/`--start`/`--frequency`), the pipeline name with the config's prefix, and the
 * pipeline-wide defaults each step's activities take.
 */
import { dirname } from 'node:path';
import type { ResolvedConfig } from '../config/types.js';
import type { Diagnostic } from '../diagnostics.js';
import { diag } from '../diagnostics.js';
import type { YamlFile } from '../spec/yaml.js';
import { MAX_NAME_LENGTH, safeNameHint, unsafeName } from '../spec/names.js';
import type { PipelineInfo } from './context.js';
import type { Frequency } from './schedule.js';
import { parseFrequency, parseLoadTime, parseStart, parseTimeDelta } from './schedule.js';

export interface ScheduleOptions {
  /** The clock: used for the schedule start when no start is given. */
  now: Date;
  /** Explicit schedule start (ISO), overriding `start:` and load_time. */
  start?: string;
  /** `-t`: shift of the start, e.g. `2d`, `-3h`. */
  timeDelta?: string;
  /** `-b`: apply the time delta backwards (backfill). */
  backfill?: boolean;
  /** `--frequency`: replaces every pipeline's frequency. */
  frequency?: string;
}

export interface Schedule {
  frequency?: Frequency;
  load?: { hour: number; minute: number };
  start?: Date;
  deltaMs: number;
}

const FREQ_HINT =
  'use one-time, on-demand, hourly, N-hours, daily, N-days, weekly, N-weeks, or a period like "30 minutes"';

function readFrequency(
  raw: Record<string, unknown>,
  file: YamlFile,
  cfg: ResolvedConfig,
  opts: ScheduleOptions,
  diagnostics: Diagnostic[],
): Frequency | undefined {
  const freqRaw =
    opts.frequency ??
    cfg.defaults.frequencyOverride ??
    (typeof raw.frequency === 'string' ? raw.frequency : 'one-time');
  const frequency = parseFrequency(freqRaw);
  if (!frequency) {
    diagnostics.push(
      opts.frequency || cfg.defaults.frequencyOverride
        ? diag(
            'ETL1010',
            `unsupported frequency '${freqRaw}' (from ${opts.frequency ? '--frequency' : 'defaults.frequency_override'})`,
            { hint: FREQ_HINT },
          )
        : file.at(['frequency'], 'ETL1010', `unsupported frequency '${freqRaw}'`, { hint: FREQ_HINT }),
    );
  }
  return frequency;
}

function readLoadTime(
  raw: Record<string, unknown>,
  file: YamlFile,
  cfg: ResolvedConfig,
  diagnostics: Diagnostic[],
): { hour: number; minute: number } | undefined {
  const loadRaw = raw.load_time ?? cfg.defaults.loadTime;
  const load = parseLoadTime(loadRaw);
  if (!load) {
    diagnostics.push(
      raw.load_time !== undefined
        ? file.at(
            ['load_time'],
            'ETL1011',
            `load_time must be HH:MM (24-hour, UTC), got '${String(loadRaw)}'`,
            {
              hint: 'for example load_time: "01:30"',
            },
          )
        : diag('ETL1011', `defaults.load_time must be HH:MM, got '${String(loadRaw)}'`),
    );
  }
  return load;
}

function readStart(
  raw: Record<string, unknown>,
  file: YamlFile,
  opts: ScheduleOptions,
  diagnostics: Diagnostic[],
): { start?: Date; deltaMs: number } {
  let deltaMs = 0;
  if (opts.timeDelta !== undefined) {
    const d = parseTimeDelta(opts.timeDelta);
    if (d === undefined)
      diagnostics.push(
        diag('ETL8001', `cannot read time delta '${opts.timeDelta}'`, {
          hint: 'use forms like 2d, 6h, 90m, 1w or 1d12h',
        }),
      );
    else deltaMs = opts.backfill ? -Math.abs(d) : d;
  }
  let start: Date | undefined;
  if (opts.start !== undefined) {
    start = parseStart(opts.start);
    if (!start)
      diagnostics.push(
        diag('ETL8002', `--start must be an ISO date-time like 2026-01-01T01:00:00, got '${opts.start}'`),
      );
  } else if (typeof raw.start === 'string') {
    start = parseStart(raw.start);
    if (!start)
      diagnostics.push(
        file.at(
          ['start'],
          'ETL1012',
          `start must be an ISO date-time like 2026-01-01T01:00:00, got '${raw.start}'`,
        ),
      );
  }
  if (start) start = new Date(start.getTime() + deltaMs);
  return { start, deltaMs };
}

/** Frequency, load time and start; every problem is added to `diagnostics`. */
export function readSchedule(
  raw: Record<string, unknown>,
  file: YamlFile,
  cfg: ResolvedConfig,
  opts: ScheduleOptions,
  diagnostics: Diagnostic[],
): Schedule {
  const frequency = readFrequency(raw, file, cfg, opts, diagnostics);
  const load = readLoadTime(raw, file, cfg, diagnostics);
  return { frequency, load, ...readStart(raw, file, opts, diagnostics) };
}

/**
 * The pipeline's name (`<aws.name_prefix>_<name>`) is a file name (compiled `<name>.json`, log
 * folders): a name too long for one, or starting with a dot, is an error at `name:`.
 */
function checkPipelineName(name: string, file: YamlFile, diagnostics: Diagnostic[]): void {
  if (typeof name !== 'string' || !/^[A-Za-z0-9_.-]+$/.test(name)) return; // the schema reports it
  const why = unsafeName(name, MAX_NAME_LENGTH);
  if (why)
    diagnostics.push(
      file.at(
        ['name'],
        'ETL1203',
        `pipeline name '${name.length > 40 ? name.slice(0, 40) + '…' : name}' cannot be used: ${why}`,
        {
          hint: `the name is used for files (compile -o DIR writes <name>.json, logs go under .etlctl/logs/<name>/); ${safeNameHint(name, MAX_NAME_LENGTH)}`,
        },
      ),
    );
}

export function pipelineInfo(
  raw: Record<string, unknown>,
  file: YamlFile,
  absPath: string,
  cfg: ResolvedConfig,
  frequency: Frequency | undefined,
  diagnostics: Diagnostic[],
): PipelineInfo {
  const name = String(raw.name ?? 'pipeline');
  if (raw.name !== undefined) checkPipelineName(name, file, diagnostics);
  return {
    name: cfg.aws.namePrefix ? `${cfg.aws.namePrefix}_${name}` : name,
    file,
    frequency: frequency ?? { kind: 'one-time' },
    dir: dirname(absPath),
    maxRetries: typeof raw.max_retries === 'number' ? raw.max_retries : cfg.defaults.maxRetries,
    retryDelay: typeof raw.retry_delay === 'string' ? raw.retry_delay : cfg.defaults.retryDelay,
    lateAfter: typeof raw.late_after === 'string' ? raw.late_after : undefined,
    topicArn: typeof raw.topic_arn === 'string' ? raw.topic_arn : undefined,
    workerGroup: typeof raw.worker_group === 'string' ? raw.worker_group : undefined,
  };
}
