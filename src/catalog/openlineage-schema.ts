/**
 * A JSON Schema (draft 2020-12) for the OpenLineage events etlctl emits, written for etlctl as a
 * transcription of the rules the OpenLineage specification documents — it is not a copy of the
 * official OpenLineage.json, which is not available here. It covers:
 *
 *  - RunEvent of spec 2-0-2: the BaseEvent fields eventTime (date-time), producer (URI) and
 *    schemaURL (URI), all required; eventType one of START, RUNNING, COMPLETE, ABORT, FAIL,
 *    OTHER; run (runId: a UUID, required; facets) and job (namespace and name required; facets),
 *    both required; inputs and outputs as lists of datasets (namespace and name required, facets;
 *    inputFacets / outputFacets).
 *  - Facets: every facet carries _producer (URI) and _schemaURL (URI); dataset facets may carry
 *    _deleted (boolean); other facet properties are open.
 *  - SchemaDatasetFacet (1-1-1): fields[], each with name (required), type, description and
 *    nested fields.
 *  - ColumnLineageDatasetFacet (1-2-0): fields (required), an object from output column to
 *    { inputFields (required): [{ namespace, name, field (all required), transformations:
 *    [{ type (required), subtype, description, masking }] }], transformationDescription,
 *    transformationType }, and an optional dataset-wide `dataset` list of input fields.
 *  - The run facets etlctl sends: parent (run.runId, job.namespace, job.name required),
 *    nominalTime (nominalStartTime required), errorMessage (message and programmingLanguage
 *    required); the job facet jobType (processingType and integration required).
 *
 * Tests validate every event the engine emits against it (test/catalog/openlineage*.test.ts).
 */
const uri = { type: 'string', format: 'uri' };

const baseFacet = {
  type: 'object',
  properties: { _producer: uri, _schemaURL: uri },
  required: ['_producer', '_schemaURL'],
};

const inputField = {
  type: 'object',
  properties: {
    namespace: { type: 'string' },
    name: { type: 'string' },
    field: { type: 'string' },
    transformations: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          type: { type: 'string' },
          subtype: { type: 'string' },
          description: { type: 'string' },
          masking: { type: 'boolean' },
        },
        required: ['type'],
      },
    },
  },
  required: ['namespace', 'name', 'field'],
};

/** A facet: the `base` facet's rules and these properties (some required). */
function facet(base: string, properties: Record<string, unknown>, required: string[] = []) {
  return {
    allOf: [
      { $ref: `#/$defs/${base}` },
      { type: 'object', properties, ...(required.length > 0 ? { required } : {}) },
    ],
  };
}

export const OPENLINEAGE_RUN_EVENT_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://etlctl.dev/schemas/openlineage-run-event-2-0-2.json',
  $ref: '#/$defs/RunEvent',
  $defs: {
    RunEvent: {
      type: 'object',
      properties: {
        eventTime: { type: 'string', format: 'date-time' },
        producer: uri,
        schemaURL: uri,
        eventType: { enum: ['START', 'RUNNING', 'COMPLETE', 'ABORT', 'FAIL', 'OTHER'] },
        run: { $ref: '#/$defs/Run' },
        job: { $ref: '#/$defs/Job' },
        inputs: { type: 'array', items: { $ref: '#/$defs/InputDataset' } },
        outputs: { type: 'array', items: { $ref: '#/$defs/OutputDataset' } },
      },
      required: ['eventTime', 'producer', 'schemaURL', 'run', 'job'],
    },
    Run: {
      type: 'object',
      properties: {
        runId: { type: 'string', format: 'uuid' },
        facets: {
          type: 'object',
          properties: {
            parent: { $ref: '#/$defs/ParentRunFacet' },
            nominalTime: { $ref: '#/$defs/NominalTimeRunFacet' },
            errorMessage: { $ref: '#/$defs/ErrorMessageRunFacet' },
          },
          additionalProperties: { $ref: '#/$defs/BaseFacet' },
        },
      },
      required: ['runId'],
    },
    Job: {
      type: 'object',
      properties: {
        namespace: { type: 'string' },
        name: { type: 'string' },
        facets: {
          type: 'object',
          properties: { jobType: { $ref: '#/$defs/JobTypeJobFacet' } },
          additionalProperties: { $ref: '#/$defs/BaseFacet' },
        },
      },
      required: ['namespace', 'name'],
    },
    Dataset: {
      type: 'object',
      properties: {
        namespace: { type: 'string' },
        name: { type: 'string' },
        facets: {
          type: 'object',
          properties: {
            schema: { $ref: '#/$defs/SchemaDatasetFacet' },
            columnLineage: { $ref: '#/$defs/ColumnLineageDatasetFacet' },
          },
          additionalProperties: { $ref: '#/$defs/DatasetFacet' },
        },
      },
      required: ['namespace', 'name'],
    },
    InputDataset: {
      allOf: [
        { $ref: '#/$defs/Dataset' },
        {
          type: 'object',
          properties: {
            inputFacets: { type: 'object', additionalProperties: { $ref: '#/$defs/BaseFacet' } },
          },
        },
      ],
    },
    OutputDataset: {
      allOf: [
        { $ref: '#/$defs/Dataset' },
        {
          type: 'object',
          properties: {
            outputFacets: { type: 'object', additionalProperties: { $ref: '#/$defs/BaseFacet' } },
          },
        },
      ],
    },
    BaseFacet: baseFacet,
    DatasetFacet: {
      allOf: [
        { $ref: '#/$defs/BaseFacet' },
        { type: 'object', properties: { _deleted: { type: 'boolean' } } },
      ],
    },
    SchemaDatasetFacet: {
      allOf: [
        { $ref: '#/$defs/DatasetFacet' },
        {
          type: 'object',
          properties: { fields: { type: 'array', items: { $ref: '#/$defs/SchemaField' } } },
        },
      ],
    },
    SchemaField: {
      type: 'object',
      properties: {
        name: { type: 'string' },
        type: { type: 'string' },
        description: { type: 'string' },
        fields: { type: 'array', items: { $ref: '#/$defs/SchemaField' } },
      },
      required: ['name'],
    },
    ColumnLineageDatasetFacet: facet(
      'DatasetFacet',
      {
        fields: {
          type: 'object',
          additionalProperties: {
            type: 'object',
            properties: {
              inputFields: { type: 'array', items: inputField },
              transformationDescription: { type: 'string' },
              transformationType: { type: 'string' },
            },
            required: ['inputFields'],
          },
        },
        dataset: { type: 'array', items: inputField },
      },
      ['fields'],
    ),
    ParentRunFacet: facet(
      'BaseFacet',
      {
        run: {
          type: 'object',
          properties: { runId: { type: 'string', format: 'uuid' } },
          required: ['runId'],
        },
        job: {
          type: 'object',
          properties: { namespace: { type: 'string' }, name: { type: 'string' } },
          required: ['namespace', 'name'],
        },
      },
      ['run', 'job'],
    ),
    NominalTimeRunFacet: facet(
      'BaseFacet',
      {
        nominalStartTime: { type: 'string', format: 'date-time' },
        nominalEndTime: { type: 'string', format: 'date-time' },
      },
      ['nominalStartTime'],
    ),
    ErrorMessageRunFacet: facet(
      'BaseFacet',
      {
        message: { type: 'string' },
        programmingLanguage: { type: 'string' },
        stackTrace: { type: 'string' },
      },
      ['message', 'programmingLanguage'],
    ),
    JobTypeJobFacet: facet(
      'BaseFacet',
      {
        processingType: { type: 'string' },
        integration: { type: 'string' },
        jobType: { type: 'string' },
      },
      ['processingType', 'integration'],
    ),
  },
} as const;
