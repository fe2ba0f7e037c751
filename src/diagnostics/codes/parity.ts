/**
 * Codes of the "exit path" work (issue 13): running real Data Pipeline definitions as AWS runs them
 * (parameters as the AWS CLI takes them, connection maps, shell and Redshift compatibility).
 * Ranges ETL4200–ETL4299 (checker) and ETL7600–ETL7699 (local engine).
 */
import type { CodeTable } from '../code-table.js';
import { error, info, warning } from '../code-doc.js';

const K = 'checker';
const U = 'usage';

export const parityCodes: CodeTable = {
  ETL4200: info(
    K,
    'parameter needs a value at activation',
    'A parameter object has no value, no default and is not optional. That is normal for a template: ' +
      'the AWS CLI supplies it at put or activation time (`--parameter-values myX=…`). It becomes an error ' +
      '(ETL4076) when the definition is activated or run without a value, or under `--require-values`. ' +
      'Give values with `--parameter-values myX=v`, `--parameter-values-uri FILE` or the config key `parameters:`.',
  ),
  ETL4201: warning(
    K,
    'expression uses a parameter that is neither declared nor given a value',
    '`#{myX}` names a parameter with no parameter object. `put-pipeline-definition --parameter-values myX=…` ' +
      'accepts that, so it is only a warning here; pass the value (`--parameter-values myX=…`, ' +
      '`--parameter-values-uri FILE`, or `parameters:` in the config) or declare the parameter.',
  ),
  ETL4202: error(
    U,
    'a parameter value or parameter file cannot be used',
    'The AWS CLI forms are `--parameter-values key=value …` (a repeated key makes an array), ' +
      '`--parameter-values-uri FILE` (JSON `{"values": {…}}`) and `--parameter-objects FILE` (JSON ' +
      '`{"parameters": […]}`); `--parameter-values` and `--parameter-values-uri` cannot be used together. ' +
      'Config `parameters:` maps parameter ids to strings or lists of strings.',
    2,
  ),
};
