/** `agent` for humans: started, each run's progress and summary, errors, stopped. */
import type { AgentEvent, AgentResult } from '../../local/agent.js';
import type { Io } from '../io.js';
import type { View } from '../runner.js';
import { printDiagnostics } from './diagnostics.js';
import type { ProgressPrinter } from './progress.js';

export function printAgentEvent(io: Io, e: AgentEvent, printers: Map<string, ProgressPrinter>): void {
  switch (e.kind) {
    case 'agent-started':
      io.out(`Agent started for ${e.stateDir} (pid ${e.pid}).`);
      break;
    case 'agent-run':
      printers.get(e.pipeline)?.summary(e.summary, e.unfinished.length);
      break;
    case 'agent-error':
      io.err(`${e.pipeline}:`);
      printDiagnostics(io, e.diagnostics);
      break;
    case 'agent-stopped':
      io.out('Agent stopped.');
      break;
  }
}

export const agentView: View<AgentResult> = {
  // Everything was said as it happened.
  human: () => undefined,
};
