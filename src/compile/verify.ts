/**
 * Runs the offline definition checker on compiled pipelines and maps each finding to the YAML
 * step that produced the object (file:line), keeping the object id and field.
 */
import type { Diagnostic } from '../diagnostics.js';
import { checkDefinition } from '../definition/check.js';
import type { Definition } from '../definition/model.js';
import type { CompiledPipeline } from './index.js';

export function mapToSource(def: Definition, findings: Diagnostic[]): Diagnostic[] {
  const byId = new Map(def.objects.map((o) => [o.id, o]));
  return findings.map((d) => {
    const origin = d.objectId ? byId.get(d.objectId)?.origin : undefined;
    if (!origin || d.file) return d;
    return { ...d, file: origin.file, line: origin.line, column: origin.column };
  });
}

/** Check one compiled definition; findings point at the YAML step that produced each object. */
export function verifyDefinition(def: Definition, now: Date): Diagnostic[] {
  return mapToSource(def, checkDefinition(def, { now }));
}

export function verifyPipelines(pipelines: CompiledPipeline[], now: Date): void {
  for (const p of pipelines) {
    if (!p.definition) continue;
    p.diagnostics.push(...verifyDefinition(p.definition, now));
    if (p.diagnostics.some((d) => d.severity === 'error')) p.definition = undefined;
  }
}
