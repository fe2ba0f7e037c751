import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { runDefinition } from '../../src/local/engine.js';
import { definition, onDemandDefault, shell, tempDir } from './helpers.js';

describe('local engine: warnings raised by a step', () => {
  it('an ETLCTL-ALERT line from a step fires its myWarningAlarm; the step still succeeds', async () => {
    const dir = tempDir();
    const stateDir = join(dir, '.etlctl');
    const config = loadConfig({ cwd: dir, env: {} });
    const alert = JSON.stringify({
      kind: 'qa-warning',
      alarm: 'myWarningAlarm',
      message: 'WARN accepted-values status: 1 failing row',
    });
    const def = definition('warn-demo', [
      onDemandDefault(),
      {
        id: 'WarningAlarm',
        name: 'WarningAlarm',
        type: 'SnsAlarm',
        topicArn: 'arn:aws:sns:us-east-1:123:warn',
        subject: 'QA warning in #{node.name}',
        message: 'see the log',
      },
      shell('Check', `echo 'ETLCTL-ALERT ${alert}' >&2; echo checked`, {
        myWarningAlarm: { ref: 'WarningAlarm' },
      }),
      shell('Quiet', 'echo ETLCTL-ALERT not-json >&2', { myWarningAlarm: { ref: 'WarningAlarm' } }),
    ]);
    const summary = await runDefinition(def, { config, stateDir });
    expect(summary).toMatchObject({ ok: 2, failed: 0, exitCode: 0 });
    const alerts = readFileSync(join(stateDir, 'alerts.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      event: 'onWarning',
      alarm: 'WarningAlarm',
      object: 'Check',
      subject: 'QA warning in Check',
      detail: 'WARN accepted-values status: 1 failing row',
    });
  });
});

describe('local engine: worker bootstrap', () => {
  it('skips the compiled InstallEtlctl activity (it would install etlctl on an AWS worker)', async () => {
    const dir = tempDir();
    const config = loadConfig({ cwd: dir, env: {} });
    const def = definition('bootstrap-demo', [
      onDemandDefault(),
      shell('InstallEtlctl', 'exit 9', { myEtlctlRole: 'worker-bootstrap' }),
      shell('Task', 'echo ran', { dependsOn: { ref: 'InstallEtlctl' } }),
    ]);
    const summary = await runDefinition(def, { config, stateDir: join(dir, '.etlctl') });
    expect(summary).toMatchObject({ ok: 2, failed: 0, exitCode: 0 });
  });
});
