/** `alerts test` for humans: one line per topic published to. */
import type { TopicResult } from '../../aws/alerts.js';
import type { View } from '../runner.js';

export const alertsTestView: View<{ published: TopicResult[] }> = {
  human(o, io) {
    for (const r of o.result!.published)
      io.out(`published a test message to the ${r.role} topic ${r.topicArn} (message ${r.messageId ?? '?'})`);
  },
};
