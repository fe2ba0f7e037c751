/** Unknown config keys, found against CONFIG_SCHEMA, each reported at its line with "did you mean". */
import type { Diagnostic } from '../diagnostics.js';
import { diag, didYouMean } from '../diagnostics.js';
import type { KeyPath, YamlFile } from '../spec/yaml.js';
import { isRecord } from '../spec/yaml.js';
import type { NodeSpec } from './schema.js';
import { CONFIG_SCHEMA, isEntries, isKey, MODES_KEY } from './schema.js';

const TOP_KEYS = [...Object.keys(CONFIG_SCHEMA), MODES_KEY];

export function checkKeys(
  tree: Record<string, unknown>,
  file: YamlFile | undefined,
  pathOf: (p: KeyPath) => KeyPath,
  diagnostics: Diagnostic[],
  where: string,
): void {
  const at = (p: KeyPath, code: string, message: string, hint?: string) =>
    diagnostics.push(
      file
        ? file.at(pathOf(p), code, message, { hint, onKey: true, field: p.join('.') })
        : diag(code, message, { hint, field: p.join('.') }),
    );
  for (const [section, value] of Object.entries(tree)) {
    if (section === MODES_KEY) continue;
    const node = (CONFIG_SCHEMA as Readonly<Record<string, NodeSpec>>)[section];
    if (node === undefined) {
      at(
        [section],
        'ETL2002',
        `unknown config key '${section}' in ${where}`,
        didYouMean(section, TOP_KEYS) ?? `known keys: ${TOP_KEYS.join(', ')}`,
      );
      continue;
    }
    if (isKey(node) || !isRecord(value)) continue;
    const known = Object.keys(node.keys);
    if (isEntries(node)) {
      for (const [name, entry] of Object.entries(value)) {
        if (!isRecord(entry)) {
          at([section, name], 'ETL2003', `database '${name}' must be a mapping of settings`);
          continue;
        }
        for (const key of Object.keys(entry)) {
          if (!known.includes(key))
            at(
              [section, name, key],
              'ETL2002',
              `unknown key '${key}' in database '${name}'`,
              didYouMean(key, known) ?? `known keys: ${known.join(', ')}`,
            );
        }
      }
      continue;
    }
    for (const key of Object.keys(value)) {
      if (!known.includes(key))
        at(
          [section, key],
          'ETL2002',
          `unknown config key '${section}.${key}' in ${where}`,
          didYouMean(key, known) ?? `known keys under ${section}: ${known.join(', ')}`,
        );
    }
  }
}
