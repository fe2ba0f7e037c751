/**
 * The steps of one pipeline, in order: each step's shape (type, schema, key groups, unique
 * name), its ordering and inputs (previous step, `depends_on`, `input_node`, `input_path`), then
 * its plugin's objects.
 *
 * Ordering rule (uniform for every step type, unlike Dataduct): a step runs after the previous
 * step unless it says `depends_on`; `depends_on: []` means no ordering. Reading another step's
 * output (`input_node`) also orders the step after that producer.
 */
import { didYouMean } from '../diagnostics.js';
import { refsOf } from '../definition/model.js';
import { findStep, stepSchema, stepTypeNames } from '../../steps/index.js';
import type { StepPlugin } from '../../steps/types.js';
import { validateWithSchema } from '../spec/validate.js';
import type { KeyPath, YamlFile } from '../spec/yaml.js';
import { isRecord } from '../spec/yaml.js';
import type { DefinitionBuilder, StepSpec } from './context.js';
import { pascal, StepContext } from './context.js';
import { checkStepLocations } from './step-safety.js';

export type StepKind = 'bootstrap' | 'step' | 'teardown';

interface StepRecord {
  spec: StepSpec;
  plugin: StepPlugin;
  /** Activities others wait for when they depend on this step. */
  doneAfter: string[];
  output?: string;
  namedOutputs: Record<string, string>;
}

/** What a step's position gives it: the activities it runs after and the S3 nodes it reads. */
interface Wiring {
  after: Set<string>;
  inputs: string[];
}

/** Activities of a step that no other activity of the same step waits for. */
function terminalActivities(b: DefinitionBuilder, ids: string[]): string[] {
  const waited = new Set<string>();
  for (const id of ids) for (const d of refsOf(b.get(id)!, 'dependsOn')) waited.add(d);
  return ids.filter((id) => !waited.has(id));
}

export class StepCompiler {
  private readonly records = new Map<string, StepRecord>();
  private readonly order: StepRecord[] = [];
  private readonly bootstrapDone: string[] = [];
  private readonly counters = new Map<string, number>();
  /** Activities the teardown step runs after (every leaf, set once the steps are compiled). */
  teardownAfter: string[] = [];

  constructor(
    private readonly b: DefinitionBuilder,
    /** The pipeline's `steps:` list, to tell a reference to a later step from a typo. */
    private readonly steps: readonly unknown[],
  ) {}

  private get file(): YamlFile {
    return this.b.pipeline.file;
  }

  /**
   * The previous step had errors: its output is unknown, so a step taking its input implicitly
   * gets no "needs input data" error of its own (one mistake, one error — issue 18).
   */
  private prevFailed = false;

  compile(stepRaw: unknown, path: KeyPath, index: number, kind: StepKind): void {
    const errors = () => this.b.diagnostics.filter((d) => d.severity === 'error').length;
    const before = errors();
    this.compileStep(stepRaw, path, index, kind);
    this.prevFailed = errors() > before;
  }

  private compileStep(stepRaw: unknown, path: KeyPath, index: number, kind: StepKind): void {
    const found = this.identify(stepRaw, path, index, kind);
    if (!found) return;
    const { raw, plugin, name } = found;
    if (!this.checkShape(raw, plugin, name, path)) return;
    this.checkCutCommand(raw, path, name);
    const wiring = this.wire(raw, plugin, path, index, kind);
    const at = this.file.position(path);
    const spec: StepSpec = {
      index,
      name,
      type: plugin.type,
      params: raw,
      path,
      line: at.line,
      column: at.column,
    };
    const ctx = new StepContext(this.b, spec, wiring.inputs, [...wiring.after]);
    // Reported, not fatal: later steps still see this one, so they get no follow-on errors.
    checkStepLocations(ctx);
    if (typeof raw.input_path === 'string') {
      ctx.inputs.push(ctx.s3Node('Input', { path: raw.input_path, format: 'tsv' }));
    }
    if (plugin.input === 'required' && ctx.inputs.length === 0 && raw.input_node === undefined) {
      if (this.prevFailed) return;
      ctx.error(
        'ETL1016',
        `step '${name}' (${plugin.type}) needs input data: give input_node or input_path, or put it after a step that produces S3 data`,
        [],
        'e.g. `input_node: extract_step`',
      );
      return;
    }
    const result = plugin.compile(ctx) ?? {};
    const rec: StepRecord = {
      spec,
      plugin,
      doneAfter: ctx.activities.length > 0 ? terminalActivities(this.b, ctx.activities) : [...wiring.after],
      output: result.output,
      namedOutputs: result.namedOutputs ?? {},
    };
    this.records.set(name, rec);
    this.order.push(rec);
    this.b.steps.push({ name, type: plugin.type, line: at.line, objectIds: ctx.objectIds });
    if (kind === 'bootstrap') this.bootstrapDone.push(...rec.doneAfter);
  }

  /** An unquoted `command:` with ` #` in it: YAML read the rest of the line as a comment. */
  private checkCutCommand(raw: Record<string, unknown>, path: KeyPath, name: string): void {
    if (typeof raw.command !== 'string') return;
    const cut = this.file.sameLineComment([...path, 'command']);
    if (cut === undefined) return;
    this.b.diagnostics.push(
      this.file.at(
        [...path, 'command'],
        'ETL1501',
        `the command of step '${name}' ends at ' #': YAML read '#${cut}' as a comment`,
        {
          severity: 'warning',
          field: 'command',
          hint: `quote the command to keep the '#' in it, e.g. command: "${raw.command} #${cut}", or use a block: command: |`,
        },
      ),
    );
  }

  /** The step's mapping, plugin and name; undefined (reported) when any of them is missing. */
  private identify(
    stepRaw: unknown,
    path: KeyPath,
    index: number,
    kind: StepKind,
  ): { raw: Record<string, unknown>; plugin: StepPlugin; name: string } | undefined {
    const file = this.file;
    if (!isRecord(stepRaw)) {
      this.b.diagnostics.push(
        file.at(path, 'ETL1004', 'each step must be a mapping with a step_type', {
          hint: 'write `- step_type: …` followed by its keys',
        }),
      );
      return undefined;
    }
    const typeName = stepRaw.step_type;
    if (typeof typeName !== 'string') {
      this.b.diagnostics.push(
        file.at(path, 'ETL1005', `step ${index + 1} is missing required key 'step_type'`, {
          onKey: true,
          hint: `known step types: ${stepTypeNames().join(', ')}`,
        }),
      );
      return undefined;
    }
    const plugin = findStep(typeName);
    if (!plugin) {
      this.b.diagnostics.push(
        file.at([...path, 'step_type'], 'ETL1007', `unknown step type '${typeName}'`, {
          hint:
            didYouMean(typeName, [...stepTypeNames(), ...stepTypeNames().map((n) => n.replace(/-/g, '_'))]) ??
            `known step types: ${stepTypeNames().join(', ')}`,
        }),
      );
      return undefined;
    }
    const n = this.counters.get(plugin.type) ?? 0;
    this.counters.set(plugin.type, n + 1);
    const name =
      typeof stepRaw.name === 'string'
        ? stepRaw.name
        : kind === 'teardown'
          ? 'teardown'
          : kind === 'bootstrap'
            ? `bootstrap${index}`
            : `${pascal(plugin.type)}Step${n}`;
    return { raw: stepRaw, plugin, name };
  }

  /** Schema, key groups and a unique name; false when the step cannot be compiled. */
  private checkShape(raw: Record<string, unknown>, plugin: StepPlugin, name: string, path: KeyPath): boolean {
    const file = this.file;
    const what = `step '${name}' (${plugin.type})`;
    const schemaErrors = validateWithSchema(file, path, raw, stepSchema(plugin), what);
    this.b.diagnostics.push(...schemaErrors);
    const together = (given: string[], group: string[]) =>
      file.at([...path, given[1]], 'ETL1009', `${what}: ${given.join(' and ')} cannot be used together`, {
        onKey: true,
        hint: `keep only one of: ${group.join(', ')}`,
      });
    for (const group of plugin.exactlyOne ?? []) {
      const given = group.filter((k) => raw[k] !== undefined);
      if (given.length === 0)
        this.b.diagnostics.push(
          file.at(path, 'ETL1008', `${what} needs exactly one of ${group.join(', ')}`, {
            onKey: true,
            hint: `add one of: ${group.join(', ')}`,
          }),
        );
      else if (given.length > 1) this.b.diagnostics.push(together(given, group));
    }
    for (const group of plugin.atMostOne ?? []) {
      const given = group.filter((k) => raw[k] !== undefined);
      if (given.length > 1) this.b.diagnostics.push(together(given, group));
    }
    if (this.records.has(name)) {
      this.b.diagnostics.push(
        file.at([...path, 'name'], 'ETL1013', `duplicate step name '${name}'`, {
          hint: 'step names must be unique within a pipeline',
        }),
      );
      return false;
    }
    return schemaErrors.length === 0;
  }

  private refError(path: KeyPath, index: number, key: KeyPath, target: string, what: string): void {
    const later = this.steps.some((s, i) => i > index && isRecord(s) && s.name === target);
    const namedOutputs = this.order.flatMap((r) => Object.keys(r.namedOutputs));
    this.b.diagnostics.push(
      this.file.at(
        [...path, ...key],
        'ETL1014',
        later
          ? `${what} '${target}' is a later step; a step can only refer to earlier steps`
          : `${what} '${target}' is not an earlier step`,
        {
          hint: later
            ? 'move the step, or drop the reference'
            : (didYouMean(target, [...this.records.keys(), ...namedOutputs]) ??
              `earlier steps: ${[...this.records.keys()].join(', ') || '(none)'}`),
        },
      ),
    );
  }

  private findOutput(target: string): { rec: StepRecord; node?: string } | undefined {
    const rec = this.records.get(target);
    if (rec) return { rec, node: rec.output };
    for (const r of this.order) if (r.namedOutputs[target]) return { rec: r, node: r.namedOutputs[target] };
    return undefined;
  }

  /** The activities the step runs after and the S3 nodes it reads. */
  private wire(
    raw: Record<string, unknown>,
    plugin: StepPlugin,
    path: KeyPath,
    index: number,
    kind: StepKind,
  ): Wiring {
    const prev = this.order[this.order.length - 1];
    const after = new Set<string>();
    const inputs: string[] = [];
    if (raw.depends_on !== undefined) {
      const list = Array.isArray(raw.depends_on) ? raw.depends_on : [raw.depends_on];
      list.forEach((d, i) => {
        const rec = this.records.get(String(d));
        if (!rec)
          this.refError(
            path,
            index,
            Array.isArray(raw.depends_on) ? ['depends_on', i] : ['depends_on'],
            String(d),
            'depends_on',
          );
        else rec.doneAfter.forEach((a) => after.add(a));
      });
    } else if (prev && kind !== 'bootstrap') {
      prev.doneAfter.forEach((a) => after.add(a));
    }
    if (raw.input_node !== undefined) this.wireInputNode(raw.input_node, path, index, after, inputs);
    else if (typeof raw.input_path === 'string') {
      // resolved by the step context (a new S3 node)
    } else if (plugin.input !== 'none' && prev?.output && kind === 'step') {
      inputs.push(prev.output);
    }
    if (kind === 'teardown') {
      after.clear();
      this.teardownAfter.forEach((a) => after.add(a));
    } else if (after.size === 0 && kind !== 'bootstrap') this.bootstrapDone.forEach((a) => after.add(a));
    return { after, inputs };
  }

  private wireInputNode(
    inNode: unknown,
    path: KeyPath,
    index: number,
    after: Set<string>,
    inputs: string[],
  ): void {
    const targets: [string, KeyPath][] =
      typeof inNode === 'string'
        ? [[inNode, ['input_node']]]
        : isRecord(inNode)
          ? Object.keys(inNode).map((k) => [k, ['input_node', k]])
          : [];
    for (const [t, key] of targets) {
      const found = this.findOutput(t);
      if (!found) this.refError(path, index, key, t, 'input_node');
      else if (!found.node)
        this.b.diagnostics.push(
          this.file.at(
            [...path, ...key],
            'ETL1015',
            `input_node '${t}': step '${found.rec.spec.name}' has no S3 output to read`,
            { hint: 'point input_node at a step that produces data (an extract or transform step)' },
          ),
        );
      else {
        inputs.push(found.node);
        found.rec.doneAfter.forEach((a) => after.add(a));
      }
    }
  }
}
