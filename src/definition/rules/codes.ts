/**
 * Diagnostic codes of the offline Data Pipeline definition checker (range ETL4000–ETL4999).
 * Section numbers point into shared/reference/aws-data-pipeline.md.
 *
 * | Code    | Sev.  | Rule |
 * |---------|-------|------|
 * | ETL4001 | error | file is not valid JSON / not a JSON object (§9.1) |
 * | ETL4002 | error | missing or malformed `objects` / `pipelineObjects` (§1.1) |
 * | ETL4003 | error | an object, parameter or value entry has the wrong JSON shape, or lacks `id` (§1.3) |
 * | ETL4004 | error | field value is neither a string, `{"ref"}` nor a list of those (dict with other keys, null, nested list) (§1.3) |
 * | ETL4005 | warn  | number/boolean where the API wants a string: aws-cli passes it unchanged and the API rejects it (§1.3) |
 * | ETL4006 | error | API field has both or neither of `stringValue`/`refValue` (§1 shapes) |
 * | ETL4007 | warn  | unknown top-level key in the definition JSON |
 * | ETL4010 | error | empty object id or name (fatal: PutPipelineDefinition does not save) (§6.3) |
 * | ETL4011 | error | id/name/ref longer than 1024 characters or 256 UTF-8 bytes (§1.2, §9.2) |
 * | ETL4012 | error | field key or parameter attribute key empty or longer than 256 bytes |
 * | ETL4013 | error | empty string or reference value (fatal on AWS) (§6.2) |
 * | ETL4014 | error | value longer than 10,240 UTF-8 bytes (§1.2) |
 * | ETL4015 | error | character that is not legal in XML (control characters other than CR, LF, TAB) |
 * | ETL4016 | warn  | empty list: the field is dropped when sent to AWS |
 * | ETL4020 | warn* | more than 100 objects (adjustable limit; error when `maxObjects` is passed explicitly) |
 * | ETL4021 | error | more than 50 fields in one object (repeated keys counted individually) |
 * | ETL4022 | error | object larger than 15,360 UTF-8 bytes including field names |
 * | ETL4023 | error | more than 50 parameters |
 * | ETL4024 | error | more than 10 tags, or tag key/value too long |
 * | ETL4025 | warn  | parameter values larger than 15 KB (parameter-values-uri limit) |
 * | ETL4030 | error | duplicate object id |
 * | ETL4031 | error | reference to an object id that does not exist |
 * | ETL4032 | error | `parent` cycle |
 * | ETL4033 | error | object without `type` that is neither `Default` nor used as a `parent` |
 * | ETL4034 | error | unknown object `type` |
 * | ETL4035 | error | reference points at an object of the wrong type |
 * | ETL4040 | error | required field missing (after inheritance) |
 * | ETL4041 | error | none of a required one-of group is set (after inheritance) |
 * | ETL4042 | error | more than one field of an exclusive group is set |
 * | ETL4043 | error | field not allowed on this object type |
 * | ETL4044 | warn  | field unknown for this object type (did you mean …) |
 * | ETL4045 | error | user-defined field name does not match `^my[A-Z_]` |
 * | ETL4046 | error | runtime/system field `@…` set in a definition (read-only) |
 * | ETL4047 | error | value not in the field's enumeration (case-insensitive) |
 * | ETL4048 | error | malformed Period |
 * | ETL4049 | error | malformed DateTime (`YYYY-MM-DDTHH:MM:SS`, UTC, literal) |
 * | ETL4050 | error | malformed Integer |
 * | ETL4051 | error | malformed Double |
 * | ETL4052 | error | malformed Boolean (`true`/`false`) |
 * | ETL4053 | error | a reference where a string is expected, or a string where a reference is expected |
 * | ETL4054 | error | several values for a single-valued field |
 * | ETL4055 | err/w | value out of the documented range (retries ≤ 5, retryDelay ≥ 2 min, bid price, throughput, …) |
 * | ETL4060 | error | Schedule `endDateTime` not after `startDateTime` |
 * | ETL4061 | error | Schedule period below 15 minutes or above 3 years |
 * | ETL4062 | warn  | schedule start more than one day before `now`: AWS blocks activation (backfill guard) |
 * | ETL4063 | warn  | `failureAndRerunMode: cascade` with a backfill (AWS's own warning text) |
 * | ETL4064 | err/w | on-demand pipeline with `schedule` references (error) or Schedule objects (warning) |
 * | ETL4065 | error | `ondemand` mixed with other schedule types |
 * | ETL4066 | warn  | `lateAfterTimeout` never fires in an on-demand pipeline |
 * | ETL4070 | error | expression syntax error (with position) |
 * | ETL4071 | error | unknown function |
 * | ETL4072 | error | wrong number of arguments |
 * | ETL4073 | error | argument of the wrong type |
 * | ETL4074 | error | `node.` outside SnsAlarm/Terminate and preconditions |
 * | ETL4075 | error | parameter `#{myX}` used but not declared |
 * | ETL4076 | error | parameter has no value, no default and is not optional |
 * | ETL4077 | error | parameter value not in `allowedValues` |
 * | ETL4078 | error | parameter value does not parse as its declared type (Integer/Double) |
 * | ETL4079 | err/w | parameter id must match `^\*?my[A-Za-z0-9_]+$` (warning when not `^\*?my[A-Z_]`) |
 * | ETL4080 | warn  | `plusPeriod` is undocumented |
 * | ETL4081 | error | expression reads a field the object (or referenced object) does not have |
 * | ETL4082 | warn  | runtime field read through an intermediate object (not supported by AWS) |
 * | ETL4083 | warn  | `#{*myX}` / `#{myX}` does not match the parameter's encrypted (`*`) id |
 * | ETL4084 | warn  | value supplied for a parameter that is not declared |
 * | ETL4085 | error | bad parameter attribute (type, optional, isArray) or several values for a non-array parameter |
 * | ETL4086 | error | duplicate parameter id |
 * | ETL4087 | warn  | unknown runtime field `@…` in an expression |
 * | ETL4088 | error | invalid Joda-Time format pattern or time-zone id |
 * | ETL4089 | error | expression cannot be evaluated (missing runtime value, division by zero, reference loop) |
 * | ETL4090 | warn  | no `pipelineLogUri` (AWS warns) |
 * | ETL4091 | warn  | Ec2Resource/EmrCluster without `terminateAfter` (AWS warns) |
 * | ETL4092 | warn  | `scriptArgument` together with `scriptUri` on shell commands |
 * | ETL4093 | warn  | deprecated object type (MySqlDataNode) |
 * | ETL4094 | warn  | deprecated field or value (startAt, instanceCount, minInstanceCount, …) |
 * | ETL4095 | warn  | `onLateAction` without `lateAfterTimeout` |
 * | ETL4096 | info  | field used in AWS samples but not in the object reference (logUri, emrLogUri, installHive, …) |
 * | ETL4999 | error | internal checker error (a rule crashed; reported instead of thrown) |
 */
import type { Diagnostic, Severity } from '../../diagnostics.js';

export const C = {
  JSON_INVALID: 'ETL4001',
  OBJECTS_MISSING: 'ETL4002',
  ENTRY_SHAPE: 'ETL4003',
  VALUE_SHAPE: 'ETL4004',
  SCALAR_NOT_STRING: 'ETL4005',
  API_FIELD_SHAPE: 'ETL4006',
  UNKNOWN_TOP_KEY: 'ETL4007',
  EMPTY_ID: 'ETL4010',
  ID_TOO_LONG: 'ETL4011',
  KEY_LENGTH: 'ETL4012',
  EMPTY_VALUE: 'ETL4013',
  VALUE_TOO_LONG: 'ETL4014',
  XML_ILLEGAL: 'ETL4015',
  EMPTY_LIST: 'ETL4016',
  TOO_MANY_OBJECTS: 'ETL4020',
  TOO_MANY_FIELDS: 'ETL4021',
  OBJECT_TOO_LARGE: 'ETL4022',
  TOO_MANY_PARAMETERS: 'ETL4023',
  TAGS: 'ETL4024',
  VALUES_TOO_LARGE: 'ETL4025',
  DUPLICATE_ID: 'ETL4030',
  DANGLING_REF: 'ETL4031',
  PARENT_CYCLE: 'ETL4032',
  MISSING_TYPE: 'ETL4033',
  UNKNOWN_TYPE: 'ETL4034',
  REF_TARGET_TYPE: 'ETL4035',
  REQUIRED: 'ETL4040',
  ONE_OF_MISSING: 'ETL4041',
  ONE_OF_EXCLUSIVE: 'ETL4042',
  NOT_ALLOWED: 'ETL4043',
  UNKNOWN_FIELD: 'ETL4044',
  USER_FIELD_NAME: 'ETL4045',
  RUNTIME_FIELD_SET: 'ETL4046',
  ENUM: 'ETL4047',
  PERIOD: 'ETL4048',
  DATETIME: 'ETL4049',
  INTEGER: 'ETL4050',
  DOUBLE: 'ETL4051',
  BOOLEAN: 'ETL4052',
  REF_KIND: 'ETL4053',
  MULTI_VALUE: 'ETL4054',
  RANGE: 'ETL4055',
  END_BEFORE_START: 'ETL4060',
  PERIOD_BOUNDS: 'ETL4061',
  START_IN_PAST: 'ETL4062',
  CASCADE_BACKFILL: 'ETL4063',
  ONDEMAND_SCHEDULE: 'ETL4064',
  ONDEMAND_MIXED: 'ETL4065',
  ONDEMAND_LATE: 'ETL4066',
  EXPR_SYNTAX: 'ETL4070',
  EXPR_UNKNOWN_FUNCTION: 'ETL4071',
  EXPR_ARITY: 'ETL4072',
  EXPR_ARG_TYPE: 'ETL4073',
  EXPR_NODE: 'ETL4074',
  PARAM_UNDECLARED: 'ETL4075',
  PARAM_NO_VALUE: 'ETL4076',
  PARAM_AT_ACTIVATION: 'ETL4200',
  PARAM_NOT_GIVEN: 'ETL4201',
  PARAM_ALLOWED: 'ETL4077',
  PARAM_TYPE: 'ETL4078',
  PARAM_ID: 'ETL4079',
  EXPR_PLUS_PERIOD: 'ETL4080',
  EXPR_UNKNOWN_FIELD: 'ETL4081',
  EXPR_TRANSITIVE_RUNTIME: 'ETL4082',
  PARAM_ENCRYPTED: 'ETL4083',
  PARAM_VALUE_UNDECLARED: 'ETL4084',
  PARAM_ATTRIBUTE: 'ETL4085',
  PARAM_DUPLICATE: 'ETL4086',
  EXPR_UNKNOWN_RUNTIME: 'ETL4087',
  EXPR_FORMAT: 'ETL4088',
  EXPR_EVAL: 'ETL4089',
  NO_LOG_URI: 'ETL4090',
  NO_TERMINATE_AFTER: 'ETL4091',
  SCRIPT_ARGUMENT_URI: 'ETL4092',
  DEPRECATED_TYPE: 'ETL4093',
  DEPRECATED_FIELD: 'ETL4094',
  LATE_ACTION_NO_TIMEOUT: 'ETL4095',
  SAMPLE_ONLY_FIELD: 'ETL4096',
  INTERNAL: 'ETL4999',
} as const;
export type CheckCode = (typeof C)[keyof typeof C];

export interface Where {
  objectId?: string;
  field?: string;
  file?: string;
}

export function finding(
  code: CheckCode,
  severity: Severity,
  message: string,
  hint: string,
  where: Where = {},
): Diagnostic {
  const d: Diagnostic = { code, severity, message, hint };
  if (where.file !== undefined) d.file = where.file;
  if (where.objectId !== undefined) d.objectId = where.objectId;
  if (where.field !== undefined) d.field = where.field;
  return d;
}
