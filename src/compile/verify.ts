/**
 * Runs the offline definition checker on compiled pipelines and maps each finding to the YAML
 * step that produced the object (file:line), keeping the object id and field.
 */
import type { Diagnostic } from '../diagnostics.js';
import type { Definition } from '../definition/model.js';
import type { CompiledPipeline } from './index.js';

type Checker = (def: Definition, opts?: { now?: Date }) => Diagnostic[];
let checker: Checker | undefined;

export function setChecker(fn: Checker): void {
  checker = fn;
}

export function mapToSource(def: Definition, findings: Diagnostic[]): Diagnostic[] {
  const byId = new Map(def.objects.map((o) => [o.id, o]));
  return findings.map((d) => {
    const origin = d.objectId ? byId.get(d.objectId)?.origin : undefined;
    if (!origin || d.file) return d;
    return { ...d, file: origin.file, line: origin.line, column: origin.column };
  });
}

export function verifyPipelines(pipelines: CompiledPipeline[], now: Date): void {
  if (!checker) return;
  for (const p of pipelines) {
    if (!p.definition) continue;
    p.diagnostics.push(...mapToSource(p.definition, checker(p.definition, { now })));
    if (p.diagnostics.some((d) => d.severity === 'error')) p.definition = undefined;
  }
}
