/**
 * Codes of the input limits (issue 12, item 2): what etlctl refuses to read, and says so at the
 * line, instead of running out of memory or stack. ETL1300–1399 (YAML files), ETL4100–4199
 * (definition JSON files), ETL5100–5199 (drawing). The limits themselves are in src/spec/limits.ts.
 */
import type { CodeTable } from '../code-table.js';
import { error } from '../code-doc.js';

export const limitsCodes: CodeTable = {
  ETL1300: error(
    'spec',
    'the YAML file is larger than etlctl reads',
    'Pipeline and config files are read whole into memory; a file over the limit (8 MiB) is refused before it is parsed. Split the pipeline into several files, or move long SQL into files under sql/ and reference them.',
  ),
  ETL1301: error(
    'spec',
    'a YAML value is nested deeper than etlctl reads',
    'Mappings and lists nested more than 64 levels deep are refused at the line where the limit is crossed: such nesting is never needed in a pipeline or a config, and reading it would exhaust the stack. Flatten the value.',
  ),
  ETL1302: error(
    'spec',
    'too many YAML syntax errors: the rest are not listed',
    'After 20 syntax errors in one file etlctl stops listing them (one broken line often causes hundreds). Fix the first ones and run again.',
  ),
  ETL1303: error(
    'spec',
    'a YAML alias refers to itself or expands too much',
    'An alias (*name) inside the value its anchor (&name) marks would make an endless value, and aliases that expand into more than 1,000 copies of collections are an "alias bomb"; both are refused at the alias. Write the value out, or use fewer nested aliases.',
  ),
  ETL1304: error(
    'spec',
    'a YAML string is longer than etlctl reads',
    'One string value (a SQL text, a command) may be at most 1 MiB. Put long SQL in a file under sql/ and reference it from the step.',
  ),
  ETL4100: error(
    'checker',
    'the definition file is larger than etlctl reads',
    'Definition JSON files are read whole into memory; a file over the limit (64 MiB) is refused before it is parsed. AWS itself accepts far smaller definitions (100 objects by default, 15 KB per object).',
  ),
  ETL4101: error(
    'checker',
    'a definition JSON value is nested deeper than etlctl reads',
    'A definition is at most four levels deep (objects → object → field → list or reference); JSON nested more than 64 levels deep is refused at the position where the limit is crossed.',
  ),
  ETL4102: error(
    'checker',
    'the definition has more objects than etlctl checks',
    'More than 100,000 objects (AWS allows 100 by default, adjustable on request) are refused before the checks run, so memory stays bounded. Split the pipeline.',
  ),
  ETL5100: error(
    'graph',
    'the graph is too large to draw',
    'Pictures of more than 2,000 boxes or 4,000 arrows are refused: Graphviz takes minutes on them and nobody can read the result. Draw only the activities with --activities-only, or split the pipeline.',
  ),
};
