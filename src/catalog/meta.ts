/**
 * A pipeline's `meta:` block (issue 16): owner, description, tags and SLA. The pipeline schema
 * (src/spec/pipeline.ts) already rejects unknown keys and wrong types when the pipeline is
 * validated; this reads the values with their lines and checks what a schema cannot: the time
 * zone exists, tags come from the configured vocabulary.
 *
 * The compiler's parse of the file is used when the caller has it; otherwise only the `meta:`
 * block is parsed here (not the whole file again), at its real line numbers, so a catalog over a
 * thousand pipelines does not parse every pipeline twice.
 */
import type { Diagnostic } from '../diagnostics.js';
import { diag, didYouMean } from '../diagnostics.js';
import { isRecord, YamlFile } from '../spec/yaml.js';
import type { CatalogSettings } from './settings.js';

export interface PipelineMeta {
  owner?: string;
  description?: string;
  tags: string[];
  sla?: { readyBy: string; timezone: string; line: number; column: number };
  /** Line of the `meta:` key, or of `name:` when there is none. */
  line: number;
}

/** The top-level `meta:` block of a pipeline file, with blank lines in front so lines stay true. */
function metaBlock(text: string): string | undefined {
  const m = /^meta:[^\S\n]*(?:#.*)?$/m.exec(text) ?? /^meta:.*$/m.exec(text);
  if (!m) return undefined;
  const before = text.slice(0, m.index);
  const lines = text.slice(m.index).split('\n');
  let n = 1;
  while (n < lines.length && (/^\s/.test(lines[n]) || lines[n].trim() === '' || lines[n].startsWith('#')))
    n++;
  return '\n'.repeat(before.split('\n').length - 1) + lines.slice(0, n).join('\n');
}

const zoneChecks = new Map<string, boolean>();
export function knownTimeZone(tz: string): boolean {
  let ok = zoneChecks.get(tz);
  if (ok === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      ok = true;
    } catch {
      ok = false;
    }
    zoneChecks.set(tz, ok);
  }
  return ok;
}

let zones: string[] | undefined;
function zoneNames(): string[] {
  zones ??= (Intl as unknown as { supportedValuesOf(k: string): string[] }).supportedValuesOf('timeZone');
  return zones;
}

export function checkTags(
  tags: readonly { tag: string; at: () => Pick<Diagnostic, 'file' | 'line' | 'column'> }[],
  settings: CatalogSettings,
  what: string,
): Diagnostic[] {
  if (!settings.tags) return [];
  const vocabulary = settings.tags;
  return tags
    .filter((t) => !vocabulary.includes(t.tag))
    .map((t) =>
      diag('ETL1412', `${what} tag '${t.tag}' is not in the tag vocabulary (config catalog.tags)`, {
        ...t.at(),
        hint: didYouMean(t.tag, vocabulary) ?? `known tags: ${vocabulary.join(', ')}`,
      }),
    );
}

/** `parsed`: the whole file as the compiler parsed it (same path and text), when the caller has it. */
export function readPipelineMeta(
  display: string,
  text: string,
  settings: CatalogSettings,
  parsed?: YamlFile,
): { meta: PipelineMeta; diagnostics: Diagnostic[] } {
  const nameLine = (() => {
    const m = /^name:/m.exec(text);
    return m ? text.slice(0, m.index).split('\n').length : 1;
  })();
  if (!/^meta:/m.test(text)) return { meta: { tags: [], line: nameLine }, diagnostics: [] };
  const y = parsed ?? new YamlFile(display, metaBlock(text)!);
  const raw = isRecord(y.value) && isRecord(y.value.meta) ? y.value.meta : {};
  const diagnostics: Diagnostic[] = [];
  const meta: PipelineMeta = {
    owner: typeof raw.owner === 'string' ? raw.owner : undefined,
    description: typeof raw.description === 'string' ? raw.description : undefined,
    tags: Array.isArray(raw.tags) ? raw.tags.filter((t): t is string => typeof t === 'string') : [],
    line: y.keyPosition(['meta']).line,
  };
  if (isRecord(raw.sla) && typeof raw.sla.ready_by === 'string') {
    const timezone = typeof raw.sla.timezone === 'string' ? raw.sla.timezone : 'UTC';
    const at = y.position(['meta', 'sla', 'ready_by']);
    meta.sla = { readyBy: raw.sla.ready_by, timezone, line: at.line, column: at.column };
    if (!knownTimeZone(timezone))
      diagnostics.push(
        y.at(['meta', 'sla', 'timezone'], 'ETL1410', `unknown time zone '${timezone}'`, {
          hint: didYouMean(timezone, zoneNames()) ?? 'use an IANA zone name such as UTC or Europe/Berlin',
        }),
      );
  }
  diagnostics.push(
    ...checkTags(
      meta.tags.map((tag, k) => ({ tag, at: () => pos(y, ['meta', 'tags', k]) })),
      settings,
      'pipeline',
    ),
  );
  return { meta, diagnostics };
}

function pos(y: YamlFile, path: (string | number)[]): Pick<Diagnostic, 'file' | 'line' | 'column'> {
  const p = y.position(path);
  return { file: y.path, line: p.line, column: p.column };
}
