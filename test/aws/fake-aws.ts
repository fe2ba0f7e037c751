/**
 * A loopback test server speaking three AWS protocols with documented response shapes:
 *  - Data Pipeline (JSON 1.1, `X-Amz-Target: DataPipeline.<Op>`),
 *  - Redshift Data API (JSON 1.1, `X-Amz-Target: RedshiftData.<Op>`),
 *  - SNS (query protocol, form-encoded request, XML response).
 * Every request is recorded (operation + raw body) so tests can inspect exactly what was sent.
 * Faults (throttling, InvalidRequestException, …) are scripted per operation.
 */
import { ObjectsError, objectsOperation } from './fake-dp-objects.js';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeDpTasks } from './fake-dp-tasks.js';

export interface RecordedRequest {
  service: 'datapipeline' | 'redshift-data' | 'sns' | 'unknown';
  operation: string;
  body: string;
  json?: Record<string, unknown>;
  form?: Record<string, string>;
}

export interface Fault {
  status: number;
  type: string;
  message?: string;
}

interface ApiField {
  key: string;
  stringValue?: string;
  refValue?: string;
}
interface ApiObject {
  id: string;
  name: string;
  fields: ApiField[];
}

export interface FakePipeline {
  pipelineId: string;
  name: string;
  uniqueId: string;
  description?: string;
  tags: { key: string; value: string }[];
  state: string;
  objects: ApiObject[];
  parameterObjects: unknown[];
  parameterValues: unknown[];
  /** Instances and attempts returned by QueryObjects/DescribeObjects (sphere INSTANCE). */
  instances: ApiObject[];
  activations: number;
}

export interface ValidationOutcome {
  errors?: { id: string; errors: string[] }[];
  warnings?: { id: string; warnings: string[] }[];
}

export class FakeAws {
  readonly requests: RecordedRequest[] = [];
  readonly pipelines = new Map<string, FakePipeline>();
  /** The task API (PollForTask …) for `etlctl worker`: test/aws/fake-dp-tasks.ts. */
  readonly tasks = new FakeDpTasks();
  private faults = new Map<string, Fault[]>();
  private server?: Server;
  private nextId = 1;
  /** Validation result for a put/validate of these objects (default: valid). */
  validate: (objects: ApiObject[]) => ValidationOutcome = () => ({});
  /** Redshift statements matching this fail with an error naming them. */
  redshiftFailOn?: RegExp;
  private statements = new Map<string, { sqls: string[]; polls: number; input: Record<string, unknown> }>();
  url = '';

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void this.handle(req, res);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  /** Fail the next `times` calls of an operation (e.g. 'CreatePipeline', 'Publish'). */
  failNext(operation: string, fault: Fault, times = 1): void {
    const list = this.faults.get(operation) ?? [];
    for (let i = 0; i < times; i++) list.push(fault);
    this.faults.set(operation, list);
  }

  calls(operation: string): RecordedRequest[] {
    return this.requests.filter((r) => r.operation === operation);
  }

  operations(): string[] {
    return this.requests.map((r) => r.operation);
  }

  reset(): void {
    this.requests.length = 0;
    this.faults.clear();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const target = String(req.headers['x-amz-target'] ?? '');
    try {
      if (target.startsWith('DataPipeline.')) {
        const op = target.slice('DataPipeline.'.length);
        const json = (body ? JSON.parse(body) : {}) as Record<string, unknown>;
        this.requests.push({ service: 'datapipeline', operation: op, body, json });
        if (this.fault(op, res, 'json')) return;
        const task = this.tasks.handle(op, json, this.pipelines);
        if (task) return this.sendJson(res, task.status, task.body);
        this.sendJson(res, 200, this.dataPipeline(op, json));
      } else if (target.startsWith('RedshiftData.')) {
        const op = target.slice('RedshiftData.'.length);
        const json = (body ? JSON.parse(body) : {}) as Record<string, unknown>;
        this.requests.push({ service: 'redshift-data', operation: op, body, json });
        if (this.fault(op, res, 'json')) return;
        this.sendJson(res, 200, this.redshiftData(op, json));
      } else if (String(req.headers['content-type'] ?? '').includes('x-www-form-urlencoded')) {
        const form = Object.fromEntries(new URLSearchParams(body));
        const op = form.Action ?? 'unknown';
        this.requests.push({ service: 'sns', operation: op, body, form });
        if (this.fault(op, res, 'xml')) return;
        this.sendXml(res, 200, this.sns(op, form));
      } else {
        this.requests.push({ service: 'unknown', operation: `${req.method} ${req.url}`, body });
        this.sendJson(res, 404, { __type: 'UnknownOperationException', message: 'unknown operation' });
      }
    } catch (e) {
      if (e instanceof ServiceError) {
        if (e.xml) this.sendXmlError(res, e.status, e.type, e.message);
        else
          this.sendJson(res, e.status, {
            __type: `com.amazon.setl.webservice#${e.type}`,
            message: e.message,
          });
        return;
      }
      this.sendJson(res, 500, { __type: 'InternalServiceError', message: String(e) });
    }
  }

  private fault(op: string, res: ServerResponse, kind: 'json' | 'xml'): boolean {
    const list = this.faults.get(op);
    const f = list?.shift();
    if (!f) return false;
    if (kind === 'xml') this.sendXmlError(res, f.status, f.type, f.message ?? f.type);
    else this.sendJson(res, f.status, { __type: f.type, message: f.message ?? f.type });
    return true;
  }

  private sendJson(res: ServerResponse, status: number, payload: unknown): void {
    const text = JSON.stringify(payload);
    res.writeHead(status, {
      'content-type': 'application/x-amz-json-1.1',
      'x-amzn-requestid': `req-${this.requests.length}`,
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  }

  private sendXml(res: ServerResponse, status: number, xml: string): void {
    res.writeHead(status, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(xml) });
    res.end(xml);
  }

  private sendXmlError(res: ServerResponse, status: number, code: string, message: string): void {
    this.sendXml(
      res,
      status,
      `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>req-${this.requests.length}</RequestId></ErrorResponse>`,
    );
  }

  private pipeline(json: Record<string, unknown>): FakePipeline {
    const id = String(json.pipelineId ?? '');
    const p = this.pipelines.get(id);
    if (!p) throw new ServiceError(400, 'PipelineNotFoundException', `Pipeline ${id} not found`);
    return p;
  }

  private dataPipeline(op: string, json: Record<string, unknown>): unknown {
    // QueryObjects / DescribeObjects (selectors, spheres, paging): test/aws/fake-dp-objects.ts.
    try {
      const objects = objectsOperation(op, json, this.pipelines.get(String(json.pipelineId ?? '')));
      if (objects !== undefined) return objects;
    } catch (e) {
      throw e instanceof ObjectsError ? new ServiceError(400, e.type, e.message) : e;
    }
    switch (op) {
      case 'CreatePipeline': {
        const name = String(json.name);
        const uniqueId = String(json.uniqueId);
        for (const p of this.pipelines.values()) {
          if (p.name === name && p.uniqueId === uniqueId) return { pipelineId: p.pipelineId };
        }
        const pipelineId = `df-${String(this.nextId++).padStart(4, '0')}FAKEPIPELINE`;
        this.pipelines.set(pipelineId, {
          pipelineId,
          name,
          uniqueId,
          description: json.description as string | undefined,
          tags: (json.tags as { key: string; value: string }[]) ?? [],
          state: 'PENDING',
          objects: [],
          parameterObjects: [],
          parameterValues: [],
          instances: [],
          activations: 0,
        });
        return { pipelineId };
      }
      case 'ListPipelines': {
        const all = [...this.pipelines.values()].map((p) => ({ id: p.pipelineId, name: p.name }));
        // Pages of 2, so pagination is exercised.
        const start = json.marker ? Number(json.marker) : 0;
        const page = all.slice(start, start + 2);
        const more = start + 2 < all.length;
        return { pipelineIdList: page, hasMoreResults: more, ...(more ? { marker: String(start + 2) } : {}) };
      }
      case 'DescribePipelines': {
        const ids = (json.pipelineIds as string[]) ?? [];
        if (ids.length > 25)
          throw new ServiceError(400, 'InvalidRequestException', 'at most 25 pipeline ids');
        return {
          pipelineDescriptionList: ids.map((id) => {
            const p = this.pipeline({ pipelineId: id });
            return {
              pipelineId: p.pipelineId,
              name: p.name,
              description: p.description,
              tags: p.tags,
              fields: [
                { key: '@pipelineState', stringValue: p.state },
                { key: 'name', stringValue: p.name },
                { key: '@id', stringValue: p.pipelineId },
                { key: '@sphere', stringValue: 'PIPELINE' },
                { key: 'uniqueId', stringValue: p.uniqueId },
                { key: '@creationTime', stringValue: '2026-11-01T00:00:00' },
              ],
            };
          }),
        };
      }
      case 'GetPipelineDefinition': {
        const p = this.pipeline(json);
        return {
          pipelineObjects: p.objects,
          parameterObjects: p.parameterObjects,
          parameterValues: p.parameterValues,
        };
      }
      case 'ValidatePipelineDefinition':
      case 'PutPipelineDefinition': {
        const p = this.pipeline(json);
        const objects = (json.pipelineObjects as ApiObject[]) ?? [];
        const emptyField = objects.some((o) =>
          o.fields.some((f) => f.stringValue === '' || f.refValue === ''),
        );
        if (op === 'PutPipelineDefinition' && emptyField) {
          throw new ServiceError(
            400,
            'InvalidRequestException',
            'Pipeline definition has errors: Could not save the pipeline definition due to FATAL errors: [com.amazon.setl.webservice.ValidationError@108d7ea9] Please call Validate to validate your pipeline',
          );
        }
        const outcome = this.validate(objects);
        const errors = [...(outcome.errors ?? [])];
        if (emptyField) {
          for (const o of objects) {
            for (const f of o.fields) {
              if (f.stringValue === '')
                errors.push({
                  id: o.id,
                  errors: [`INVALID_FIELD_VALUE:  '${f.key}' value must not be empty.`],
                });
            }
          }
        }
        if (op === 'PutPipelineDefinition') {
          p.objects = objects;
          p.parameterObjects = (json.parameterObjects as unknown[]) ?? [];
          p.parameterValues = (json.parameterValues as unknown[]) ?? [];
        }
        return {
          errored: errors.length > 0,
          validationErrors: errors,
          validationWarnings: outcome.warnings ?? [],
        };
      }
      case 'ActivatePipeline': {
        const p = this.pipeline(json);
        if (p.objects.length === 0)
          throw new ServiceError(400, 'InvalidRequestException', 'Pipeline has no definition');
        p.state = 'SCHEDULED';
        p.activations++;
        return {};
      }
      case 'DeactivatePipeline': {
        const p = this.pipeline(json);
        p.state = 'INACTIVE';
        return {};
      }
      case 'DeletePipeline': {
        const p = this.pipeline(json);
        this.pipelines.delete(p.pipelineId);
        return {};
      }
      case 'AddTags': {
        const p = this.pipeline(json);
        for (const t of (json.tags as { key: string; value: string }[]) ?? []) {
          p.tags = [...p.tags.filter((x) => x.key !== t.key), t];
        }
        return {};
      }
      default:
        throw new ServiceError(400, 'InvalidRequestException', `fake server does not implement ${op}`);
    }
  }

  private redshiftData(op: string, json: Record<string, unknown>): unknown {
    switch (op) {
      case 'BatchExecuteStatement':
      case 'ExecuteStatement': {
        const id = `stmt-${this.nextId++}`;
        const sqls = op === 'BatchExecuteStatement' ? ((json.Sqls as string[]) ?? []) : [String(json.Sql)];
        this.statements.set(id, { sqls, polls: 0, input: json });
        return {
          Id: id,
          ClusterIdentifier: json.ClusterIdentifier,
          Database: json.Database,
          DbUser: json.DbUser,
          CreatedAt: 1_790_000_000,
        };
      }
      case 'DescribeStatement': {
        const id = String(json.Id);
        const st = this.statements.get(id);
        if (!st) throw new ServiceError(400, 'ResourceNotFoundException', `statement ${id} not found`);
        st.polls++;
        // The first poll sees the batch still running, so callers must poll.
        if (st.polls === 1) return { Id: id, Status: 'STARTED', SubStatements: [] };
        const failing = this.redshiftFailOn ? st.sqls.findIndex((s) => this.redshiftFailOn!.test(s)) : -1;
        const sub = st.sqls.map((sql, i) => ({
          Id: `${id}:${i + 1}`,
          QueryString: sql,
          Status: failing === -1 || i < failing ? 'FINISHED' : i === failing ? 'FAILED' : 'ABORTED',
          ...(i === failing ? { Error: `ERROR: relation "missing_table" does not exist` } : {}),
        }));
        return {
          Id: id,
          Status: failing === -1 ? 'FINISHED' : 'FAILED',
          ...(failing === -1 ? {} : { Error: `ERROR: relation "missing_table" does not exist` }),
          SubStatements: sub,
          ClusterIdentifier: st.input.ClusterIdentifier,
          Database: st.input.Database,
        };
      }
      default:
        throw new ServiceError(400, 'ValidationException', `fake server does not implement ${op}`);
    }
  }

  private sns(op: string, form: Record<string, string>): string {
    if (op !== 'Publish')
      throw new ServiceError(400, 'InvalidAction', `fake server does not implement ${op}`, true);
    if (!/^arn:aws:sns:/.test(form.TopicArn ?? ''))
      throw new ServiceError(400, 'InvalidParameter', 'Invalid parameter: TopicArn', true);
    const id = `msg-${this.nextId++}`;
    return `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${id}</MessageId></PublishResult><ResponseMetadata><RequestId>req-${this.requests.length}</RequestId></ResponseMetadata></PublishResponse>`;
  }
}

class ServiceError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly xml = false,
  ) {
    super(message);
  }
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Environment for the SDK pointed at the fake servers, with credentials and no metadata lookups,
 * shared config files disabled so the developer's ~/.aws never leaks into a test.
 */
export function awsTestEnv(fakeUrl: string, s3Url: string): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/nonexistent/etlctl-test-aws-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/etlctl-test-aws-credentials',
    AWS_ENDPOINT_URL_DATA_PIPELINE: fakeUrl,
    AWS_ENDPOINT_URL_SNS: fakeUrl,
    AWS_ENDPOINT_URL_REDSHIFT_DATA: fakeUrl,
    AWS_ENDPOINT_URL_S3: s3Url,
  };
}
