/** `alerts test` for humans: one line per topic published to (AWS), or the local records written. */
import type { TopicResult } from '../../aws/alerts.js';
import type { LocalAlertTest } from '../../local/manage.js';
import type { View } from '../runner.js';

export const alertsTestView: View<{ published: TopicResult[] } | LocalAlertTest> = {
  human(o, io) {
    const r = o.result!;
    if ('target' in r) {
      // The local sink is the file and stderr, where local runs print their alerts.
      for (const a of r.records) io.err(`ALERT ${a.subject}: ${a.message}`);
      io.out(`wrote ${r.records.length} test alert(s) to ${r.sink}`);
      return;
    }
    for (const t of r.published)
      io.out(`published a test message to the ${t.role} topic ${t.topicArn} (message ${t.messageId ?? '?'})`);
  },
};
