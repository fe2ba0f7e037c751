/** `etlctl alerts test`: one clearly marked test message to each configured SNS topic. */
import { hostname } from 'node:os';
import type { AlertsConfig } from '../config/types.js';
import { diag, EtlError, ExitCode } from '../diagnostics.js';
import type { AwsClients } from './clients.js';
import { awsCall } from './errors.js';

export interface TopicResult {
  role: 'failure' | 'warning' | 'late' | 'success';
  topicArn: string;
  messageId?: string;
}

export function configuredTopics(alerts: AlertsConfig): { role: TopicResult['role']; topicArn: string }[] {
  const topics: { role: TopicResult['role']; topicArn: string }[] = [];
  if (alerts.failureTopic) topics.push({ role: 'failure', topicArn: alerts.failureTopic });
  if (alerts.warningTopic) topics.push({ role: 'warning', topicArn: alerts.warningTopic });
  if (alerts.lateTopic) topics.push({ role: 'late', topicArn: alerts.lateTopic });
  if (alerts.successTopic) topics.push({ role: 'success', topicArn: alerts.successTopic });
  return topics;
}

export async function publishTestAlerts(
  clients: AwsClients,
  alerts: AlertsConfig,
  ctx: { mode?: string; now: Date },
): Promise<TopicResult[]> {
  const topics = configuredTopics(alerts);
  if (topics.length === 0) {
    throw new EtlError(
      diag('ETL6010', 'no alert topics are configured', {
        hint: 'set alerts.failure_topic (and warning_topic, late_topic) to SNS topic ARNs in the config',
      }),
      ExitCode.USAGE,
    );
  }
  const { PublishCommand } = await import('@aws-sdk/client-sns');
  const sns = await clients.sns();
  const results: TopicResult[] = [];
  for (const t of topics) {
    const subject = `[etlctl TEST] ${t.role} alert test${ctx.mode ? ` (${ctx.mode})` : ''}`;
    const message = [
      'THIS IS A TEST MESSAGE from `etlctl alerts test`. No pipeline failed; no action is needed.',
      '',
      `Topic role: ${t.role}`,
      `Mode: ${ctx.mode ?? '(none)'}`,
      `Sent at: ${ctx.now.toISOString()}`,
      `Sent from: ${hostname()}`,
    ].join('\n');
    const res = await awsCall(`SNS Publish to ${t.topicArn}`, () =>
      sns.send(new PublishCommand({ TopicArn: t.topicArn, Subject: subject, Message: message })),
    );
    results.push({ ...t, messageId: res.MessageId });
  }
  return results;
}
