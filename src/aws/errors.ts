/**
 * AWS failures turned into one-line diagnostics (exit 3: the environment, not the pipeline, is wrong).
 * The codes are documented in src/diagnostics/codes/etl6-aws.ts (`etlctl explain ETL6004`).
 */
import { diag, EtlError, ExitCode } from '../diagnostics.js';

interface SdkErrorLike {
  name?: string;
  message?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number; requestId?: string };
}

function asSdkError(e: unknown): SdkErrorLike {
  return typeof e === 'object' && e !== null ? (e as SdkErrorLike) : { message: String(e) };
}

/** The service error name (`InvalidRequestException`, `ThrottlingException`, …) if there is one. */
export function awsErrorName(e: unknown): string | undefined {
  return asSdkError(e).name;
}

/**
 * Explain an SDK error in one line. `what` says what etlctl was doing, e.g. "CreatePipeline".
 * EtlErrors pass through unchanged.
 */
export function explainAwsError(e: unknown, what: string): EtlError {
  if (e instanceof EtlError) return e;
  const err = asSdkError(e);
  const name = err.name ?? 'Error';
  const message = (err.message ?? '').split('\n')[0].trim();
  const env = ExitCode.ENVIRONMENT;
  if (/region is missing/i.test(message)) {
    return new EtlError(
      diag('ETL6002', `${what}: no AWS region is configured`, {
        hint: 'set aws.region in the config mode, or AWS_REGION in the environment',
      }),
      env,
    );
  }
  if (name === 'CredentialsProviderError' || /could not load credentials/i.test(message)) {
    return new EtlError(
      diag('ETL6003', `${what}: no AWS credentials found`, {
        hint: 'set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run on a machine with an instance role',
      }),
      env,
    );
  }
  const code = err.code ?? '';
  if (
    /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|EHOSTUNREACH|ENETUNREACH)$/.test(code) ||
    /ECONNREFUSED|ENOTFOUND/.test(message)
  ) {
    return new EtlError(
      diag('ETL6004', `${what}: cannot reach the AWS endpoint (${code || message})`, {
        hint: 'check the network, the region, and AWS_ENDPOINT_URL_* if you use a custom endpoint',
      }),
      env,
    );
  }
  if (/AccessDenied|UnrecognizedClient|InvalidClientTokenId|SignatureDoesNotMatch|ExpiredToken/.test(name)) {
    return new EtlError(
      diag('ETL6005', `${what}: AWS refused the credentials or permissions (${name}: ${message})`, {
        hint: 'check that the credentials are valid and allowed to call this operation',
      }),
      env,
    );
  }
  if (name === 'PipelineNotFoundException' || name === 'PipelineDeletedException') {
    return new EtlError(
      diag('ETL6006', `${what}: ${name}: ${message || 'the pipeline does not exist'}`),
      env,
    );
  }
  const status = err.$metadata?.httpStatusCode;
  return new EtlError(
    diag(
      'ETL6001',
      `${what} failed: ${name}${message ? `: ${message}` : ''}${status ? ` (HTTP ${status})` : ''}`,
    ),
    env,
  );
}

/** Run one AWS call; any failure becomes a one-line EtlError naming the operation. */
export async function awsCall<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw explainAwsError(e, what);
  }
}
