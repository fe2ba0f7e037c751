/** ETL4xxx: the offline Data Pipeline definition checker (src/definition/rules; rows documented in src/definition/rules/codes.ts). */
import type { CodeTable } from '../code-table.js';
import { error, info, warning } from '../code-doc.js';

const K = 'checker';

export const checkerCodes: CodeTable = {
  ETL4001: error(
    K,
    'file is not valid JSON / not a JSON object',
    'The definition JSON itself is malformed, so the checker cannot read every object. See reference/aws-data-pipeline.md §9.1. Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4002: error(
    K,
    'missing or malformed `objects` / `pipelineObjects`',
    'The definition JSON itself is malformed, so the checker cannot read every object. See reference/aws-data-pipeline.md §1.1. Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4003: error(
    K,
    'an object, parameter or value entry has the wrong JSON shape, or lacks `id`',
    'The definition JSON itself is malformed, so the checker cannot read every object. See reference/aws-data-pipeline.md §1.3. Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4004: error(
    K,
    'field value is neither a string, `{"ref"}` nor a list of those (dict with other keys, null, nested list)',
    'The definition JSON itself is malformed, so the checker cannot read every object. See reference/aws-data-pipeline.md §1.3. Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4005: warning(
    K,
    'number/boolean where the API wants a string: aws-cli passes it unchanged and the API rejects it',
    'The definition JSON itself is malformed, so the checker cannot read every object. See reference/aws-data-pipeline.md §1.3. Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4006: error(
    K,
    'aPI field has both or neither of `stringValue`/`refValue`',
    'The definition JSON itself is malformed, so the checker cannot read every object. See reference/aws-data-pipeline.md §1. Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4007: warning(
    K,
    'unknown top-level key in the definition JSON',
    'The definition JSON itself is malformed, so the checker cannot read every object. Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4010: error(
    K,
    'empty object id or name (fatal: PutPipelineDefinition does not save)',
    'AWS refuses such values when the definition is put (PutPipelineDefinition). See reference/aws-data-pipeline.md §6.3. Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4011: error(
    K,
    'id/name/ref longer than 1024 characters or 256 UTF-8 bytes',
    'AWS refuses such values when the definition is put (PutPipelineDefinition). See reference/aws-data-pipeline.md §1.2, §9.2. Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4012: error(
    K,
    'field key or parameter attribute key empty or longer than 256 bytes',
    'AWS refuses such values when the definition is put (PutPipelineDefinition). Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4013: error(
    K,
    'empty string or reference value (fatal on AWS)',
    'AWS refuses such values when the definition is put (PutPipelineDefinition). See reference/aws-data-pipeline.md §6.2. Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4014: error(
    K,
    'value longer than 10,240 UTF-8 bytes',
    'AWS refuses such values when the definition is put (PutPipelineDefinition). See reference/aws-data-pipeline.md §1.2. Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4015: error(
    K,
    'character that is not legal in XML (control characters other than CR, LF, TAB)',
    'AWS refuses such values when the definition is put (PutPipelineDefinition). Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4016: warning(
    K,
    'empty list: the field is dropped when sent to AWS',
    'AWS refuses such values when the definition is put (PutPipelineDefinition). Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4020: warning(
    K,
    'more than 100 objects (adjustable limit; error when `maxObjects` is passed explicitly)',
    'This is one of the Data Pipeline service limits (reference/aws-data-pipeline.md §1.2). A warning for the default limit; an error when the limit is passed explicitly (--max-objects). Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4021: error(
    K,
    'more than 50 fields in one object (repeated keys counted individually)',
    'This is one of the Data Pipeline service limits (reference/aws-data-pipeline.md §1.2). Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4022: error(
    K,
    'object larger than 15,360 UTF-8 bytes including field names',
    'This is one of the Data Pipeline service limits (reference/aws-data-pipeline.md §1.2). Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4023: error(
    K,
    'more than 50 parameters',
    'This is one of the Data Pipeline service limits (reference/aws-data-pipeline.md §1.2). Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4024: error(
    K,
    'more than 10 tags, or tag key/value too long',
    'This is one of the Data Pipeline service limits (reference/aws-data-pipeline.md §1.2). Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4025: warning(
    K,
    'parameter values larger than 15 KB (parameter-values-uri limit)',
    'This is one of the Data Pipeline service limits (reference/aws-data-pipeline.md §1.2). Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4030: error(
    K,
    'duplicate object id',
    'Objects refer to each other by id; the references must form a valid object graph. Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4031: error(
    K,
    'reference to an object id that does not exist',
    'Objects refer to each other by id; the references must form a valid object graph. Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4032: error(
    K,
    '`parent` cycle',
    'Objects refer to each other by id; the references must form a valid object graph. Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4033: error(
    K,
    'object without `type` that is neither `Default` nor used as a `parent`',
    'Objects refer to each other by id; the references must form a valid object graph. Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4034: error(
    K,
    'unknown object `type`',
    'Objects refer to each other by id; the references must form a valid object graph. Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4035: error(
    K,
    'reference points at an object of the wrong type',
    'Objects refer to each other by id; the references must form a valid object graph. Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4040: error(
    K,
    'required field missing (after inheritance)',
    'Each object type has its required, exclusive and allowed fields, checked after inheritance from `parent` and Default. Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4041: error(
    K,
    'none of a required one-of group is set (after inheritance)',
    'Each object type has its required, exclusive and allowed fields, checked after inheritance from `parent` and Default. Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4042: error(
    K,
    'more than one field of an exclusive group is set',
    'Each object type has its required, exclusive and allowed fields, checked after inheritance from `parent` and Default. Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4043: error(
    K,
    'field not allowed on this object type',
    'Each object type has its required, exclusive and allowed fields, checked after inheritance from `parent` and Default. Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4044: warning(
    K,
    'field unknown for this object type (did you mean …)',
    'Each object type has its required, exclusive and allowed fields, checked after inheritance from `parent` and Default. Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4045: error(
    K,
    'user-defined field name does not match `^my[A-Z_]`',
    'Each object type has its required, exclusive and allowed fields, checked after inheritance from `parent` and Default. Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4046: error(
    K,
    'runtime/system field `@…` set in a definition (read-only)',
    'Each object type has its required, exclusive and allowed fields, checked after inheritance from `parent` and Default. Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4047: error(
    K,
    "value not in the field's enumeration (case-insensitive)",
    'Each object type has its required, exclusive and allowed fields, checked after inheritance from `parent` and Default. Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4048: error(
    K,
    'malformed Period',
    'Each object type has its required, exclusive and allowed fields, checked after inheritance from `parent` and Default. Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4049: error(
    K,
    'malformed DateTime (`YYYY-MM-DDTHH:MM:SS`, UTC, literal)',
    'Each object type has its required, exclusive and allowed fields, checked after inheritance from `parent` and Default. Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4050: error(
    K,
    'malformed Integer',
    "Field values must match the field's Data Pipeline type. Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.",
  ),
  ETL4051: error(
    K,
    'malformed Double',
    "Field values must match the field's Data Pipeline type. Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.",
  ),
  ETL4052: error(
    K,
    'malformed Boolean (`true`/`false`)',
    "Field values must match the field's Data Pipeline type. Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.",
  ),
  ETL4053: error(
    K,
    'a reference where a string is expected, or a string where a reference is expected',
    "Field values must match the field's Data Pipeline type. Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.",
  ),
  ETL4054: error(
    K,
    'several values for a single-valued field',
    "Field values must match the field's Data Pipeline type. Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.",
  ),
  ETL4055: error(
    K,
    'value out of the documented range (retries ≤ 5, retryDelay ≥ 2 min, bid price, throughput, …)',
    "Field values must match the field's Data Pipeline type. Reported as an error, or as a warning where AWS only warns. Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.",
  ),
  ETL4060: error(
    K,
    'schedule `endDateTime` not after `startDateTime`',
    'Schedules and schedule types must be consistent for AWS to accept and activate the pipeline. Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4061: error(
    K,
    'schedule period below 15 minutes or above 3 years',
    'Schedules and schedule types must be consistent for AWS to accept and activate the pipeline. Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4062: warning(
    K,
    'schedule start more than one day before `now`: AWS blocks activation (backfill guard)',
    'Schedules and schedule types must be consistent for AWS to accept and activate the pipeline. Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4063: warning(
    K,
    "`failureAndRerunMode: cascade` with a backfill (AWS's own warning text)",
    'Schedules and schedule types must be consistent for AWS to accept and activate the pipeline. Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4064: error(
    K,
    'on-demand pipeline with `schedule` references (error) or Schedule objects (warning)',
    'Schedules and schedule types must be consistent for AWS to accept and activate the pipeline. Reported as an error, or as a warning where AWS only warns. Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4065: error(
    K,
    '`ondemand` mixed with other schedule types',
    'Schedules and schedule types must be consistent for AWS to accept and activate the pipeline. Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4066: warning(
    K,
    '`lateAfterTimeout` never fires in an on-demand pipeline',
    'Schedules and schedule types must be consistent for AWS to accept and activate the pipeline. Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4070: error(
    K,
    'expression syntax error (with position)',
    'Expressions #{…} are parsed and type-checked as Data Pipeline evaluates them. Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4071: error(
    K,
    'unknown function',
    'Expressions #{…} are parsed and type-checked as Data Pipeline evaluates them. Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4072: error(
    K,
    'wrong number of arguments',
    'Expressions #{…} are parsed and type-checked as Data Pipeline evaluates them. Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4073: error(
    K,
    'argument of the wrong type',
    'Expressions #{…} are parsed and type-checked as Data Pipeline evaluates them. Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4074: error(
    K,
    '`node.` outside SnsAlarm/Terminate and preconditions',
    'Expressions #{…} are parsed and type-checked as Data Pipeline evaluates them. Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4075: error(
    K,
    'parameter `#{myX}` used but not declared',
    'Expressions #{…} are parsed and type-checked as Data Pipeline evaluates them. Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4076: error(
    K,
    'parameter has no value, no default and is not optional',
    'Expressions #{…} are parsed and type-checked as Data Pipeline evaluates them. Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4077: error(
    K,
    'parameter value not in `allowedValues`',
    'Expressions #{…} are parsed and type-checked as Data Pipeline evaluates them. Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4078: error(
    K,
    'parameter value does not parse as its declared type (Integer/Double)',
    'Expressions #{…} are parsed and type-checked as Data Pipeline evaluates them. Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4079: error(
    K,
    'parameter id must match `^\\*?my[A-Za-z0-9_]+$` (warning when not `^\\*?my[A-Z_]`)',
    'Expressions #{…} are parsed and type-checked as Data Pipeline evaluates them. Reported as an error, or as a warning where AWS only warns. Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4080: warning(
    K,
    '`plusPeriod` is undocumented',
    'Parameters (`#{myX}`) and expressions must match the declared parameters and the fields objects have. Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4081: error(
    K,
    'expression reads a field the object (or referenced object) does not have',
    'Parameters (`#{myX}`) and expressions must match the declared parameters and the fields objects have. Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4082: warning(
    K,
    'runtime field read through an intermediate object (not supported by AWS)',
    'Parameters (`#{myX}`) and expressions must match the declared parameters and the fields objects have. Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4083: warning(
    K,
    "`#{*myX}` / `#{myX}` does not match the parameter's encrypted (`*`) id",
    'Parameters (`#{myX}`) and expressions must match the declared parameters and the fields objects have. Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4084: warning(
    K,
    'value supplied for a parameter that is not declared',
    'Parameters (`#{myX}`) and expressions must match the declared parameters and the fields objects have. Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4085: error(
    K,
    'bad parameter attribute (type, optional, isArray) or several values for a non-array parameter',
    'Parameters (`#{myX}`) and expressions must match the declared parameters and the fields objects have. Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4086: error(
    K,
    'duplicate parameter id',
    'Parameters (`#{myX}`) and expressions must match the declared parameters and the fields objects have. Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4087: warning(
    K,
    'unknown runtime field `@…` in an expression',
    'Parameters (`#{myX}`) and expressions must match the declared parameters and the fields objects have. Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4088: error(
    K,
    'invalid Joda-Time format pattern or time-zone id',
    'Parameters (`#{myX}`) and expressions must match the declared parameters and the fields objects have. Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4089: error(
    K,
    'expression cannot be evaluated (missing runtime value, division by zero, reference loop)',
    'Parameters (`#{myX}`) and expressions must match the declared parameters and the fields objects have. Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4090: warning(
    K,
    'no `pipelineLogUri` (AWS warns)',
    'AWS accepts this, but warns or ignores it; fixing it avoids surprises. Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4091: warning(
    K,
    'ec2Resource/EmrCluster without `terminateAfter` (AWS warns)',
    'AWS accepts this, but warns or ignores it; fixing it avoids surprises. Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4092: warning(
    K,
    '`scriptArgument` together with `scriptUri` on shell commands',
    'AWS accepts this, but warns or ignores it; fixing it avoids surprises. Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4093: warning(
    K,
    'deprecated object type (MySqlDataNode)',
    'AWS accepts this, but warns or ignores it; fixing it avoids surprises. Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4094: warning(
    K,
    'deprecated field or value (startAt, instanceCount, minInstanceCount, …)',
    'AWS accepts this, but warns or ignores it; fixing it avoids surprises. Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4095: warning(
    K,
    '`onLateAction` without `lateAfterTimeout`',
    'AWS accepts this, but warns or ignores it; fixing it avoids surprises. Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4096: info(
    K,
    'field used in AWS samples but not in the object reference (logUri, emrLogUri, installHive, …)',
    'AWS accepts this, but warns or ignores it; fixing it avoids surprises. Reported by `etlctl definition validate`, and by every command that compiles a pipeline, at the YAML step that produced the object.',
  ),
  ETL4999: error(
    K,
    'internal checker error (a rule crashed; reported instead of thrown)',
    'A rule of the checker crashed on this definition; the finding is reported instead of the crash so the other rules still run. This is a bug in etlctl: please report it with the definition.',
  ),
};
