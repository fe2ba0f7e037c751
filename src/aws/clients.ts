/**
 * AWS SDK clients, created lazily so `etlctl --help` never loads the SDK (DESIGN.md decision 11).
 *
 * Region, credentials and endpoints follow the SDK's own conventions: the standard provider chain,
 * and `AWS_ENDPOINT_URL` / `AWS_ENDPOINT_URL_<SERVICE>` (DATA_PIPELINE, S3, SNS, REDSHIFT_DATA),
 * which the v3 SDK reads natively (@smithy/core endpoints `getEndpointUrlConfig`).
 */
import type { DataPipelineClient } from '@aws-sdk/client-data-pipeline';
import type { RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';

export interface AwsSettings {
  /** From config `aws.region`; undefined lets the SDK chain decide (AWS_REGION, profile). */
  region?: string;
  /** Environment to read endpoint overrides from (defaults to process.env). */
  env?: NodeJS.ProcessEnv;
}

/**
 * The SDK prints a Node-version support warning through process.emitWarning on Node < 22; the CLI
 * must not show SDK noise, and the SDK documents this variable as the way to turn it off.
 */
function quietSdk(): void {
  if (process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED === undefined) {
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  }
}

function hasEndpointOverride(env: NodeJS.ProcessEnv, service: string): boolean {
  return Boolean(env[`AWS_ENDPOINT_URL_${service}`] || env.AWS_ENDPOINT_URL);
}

/** Options shared by every client: no SDK logger output, our region when configured. */
function baseOptions(settings: AwsSettings): {
  region?: string;
  logger: SilentLogger;
  requestHandler: { connectionTimeout: number; requestTimeout: number };
} {
  return {
    ...(settings.region ? { region: settings.region } : {}),
    logger: silentLogger,
    // Fail in seconds, not minutes, when a network silently drops packets to AWS.
    requestHandler: { connectionTimeout: 10_000, requestTimeout: 120_000 },
  };
}

interface SilentLogger {
  debug: (...a: unknown[]) => void;
  info: (...a: unknown[]) => void;
  warn: (...a: unknown[]) => void;
  error: (...a: unknown[]) => void;
}
const noop = (): void => {};
const silentLogger: SilentLogger = { debug: noop, info: noop, warn: noop, error: noop };

/** One lazily built client per service, shared by a command's calls. */
export class AwsClients {
  private dp?: DataPipelineClient;
  private s3Client?: S3Client;
  private snsClient?: SNSClient;
  private rsd?: RedshiftDataClient;

  constructor(readonly settings: AwsSettings = {}) {
    quietSdk();
  }

  async dataPipeline(): Promise<DataPipelineClient> {
    if (!this.dp) {
      const { DataPipelineClient } = await import('@aws-sdk/client-data-pipeline');
      this.dp = new DataPipelineClient(baseOptions(this.settings));
    }
    return this.dp;
  }

  async s3(): Promise<S3Client> {
    if (!this.s3Client) {
      const { S3Client } = await import('@aws-sdk/client-s3');
      const env = this.settings.env ?? process.env;
      this.s3Client = new S3Client({
        ...baseOptions(this.settings),
        // S3-compatible endpoints (MinIO, loopback test servers) rarely resolve bucket subdomains.
        forcePathStyle: hasEndpointOverride(env, 'S3'),
        // Flexible checksums with trailers are not understood by most S3-compatible servers; we send
        // fixed-size buffers, so the plain signed payload is enough.
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      });
    }
    return this.s3Client;
  }

  async sns(): Promise<SNSClient> {
    if (!this.snsClient) {
      const { SNSClient } = await import('@aws-sdk/client-sns');
      this.snsClient = new SNSClient(baseOptions(this.settings));
    }
    return this.snsClient;
  }

  async redshiftData(): Promise<RedshiftDataClient> {
    if (!this.rsd) {
      const { RedshiftDataClient } = await import('@aws-sdk/client-redshift-data');
      this.rsd = new RedshiftDataClient(baseOptions(this.settings));
    }
    return this.rsd;
  }

  /** The region the Data Pipeline client resolved (config, AWS_REGION or profile). */
  async region(): Promise<string> {
    const client = await this.dataPipeline();
    return client.config.region();
  }

  destroy(): void {
    this.dp?.destroy();
    this.s3Client?.destroy();
    this.snsClient?.destroy();
    this.rsd?.destroy();
  }
}

/** The Data Pipeline console page of one pipeline. */
export function consoleUrl(region: string, pipelineId: string): string {
  return `https://console.aws.amazon.com/datapipeline/home?region=${encodeURIComponent(region)}#ExecutionDetailsPlace:pipelineId=${encodeURIComponent(pipelineId)}&show=latest`;
}
