/** ETL5xxx: drawing pipelines and definitions (`pipeline visualize`, `definition visualize`). */
import type { CodeTable } from '../code-table.js';
import { error, warning } from '../code-doc.js';

const G = 'graph';

export const graphCodes: CodeTable = {
  ETL5002: error(
    G,
    'the definition file to draw cannot be read',
    '`definition visualize` could not open the file: check the path.',
    2,
  ),
  ETL5004: error(
    G,
    'the definition file to draw is not valid JSON',
    'Definition files are strict JSON (no comments, no trailing commas); the position of the first error is shown.',
  ),
  ETL5005: error(
    G,
    'not a Data Pipeline definition',
    'A definition has an "objects" list (file format) or "pipelineObjects" (API format).',
  ),
  ETL5006: error(
    G,
    'an object has no "id", so it cannot be drawn',
    'Give every object a unique string "id"; `etlctl definition validate` lists all problems.',
  ),
  ETL5007: error(
    G,
    'the pipeline produced no definition to draw',
    'Compile produced nothing to draw; the other diagnostics say why.',
  ),
  ETL5010: error(
    G,
    'Graphviz could not lay out the graph',
    'This is a bug in etlctl: run with -o out.dot and attach the DOT file to a bug report.',
  ),
  ETL5011: warning(
    G,
    'the dependencies form a cycle',
    'The picture is drawn without removing redundant edges. `etlctl pipeline validate` names the cycle.',
  ),
};
