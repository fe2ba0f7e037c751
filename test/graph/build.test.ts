import { describe, expect, it } from 'vitest';
import type { Definition } from '../../src/definition/model.js';
import { ref, stringField } from '../../src/definition/model.js';
import { buildGraph } from '../../src/graph/build.js';
import { graphToDot } from '../../src/graph/dot.js';
import { REDACTED } from '../../src/graph/redact.js';
import { makeChainDefinition } from '../../src/graph/sample.js';
import { enrollments } from './helpers.js';

const edgeSet = (g: ReturnType<typeof buildGraph>, kind?: string) =>
  g.edges.filter((e) => !kind || e.kind === kind).map((e) => `${e.from} -> ${e.to}`);

function handWritten(): Definition {
  return {
    objects: [
      { id: 'Default', name: 'Default', fields: { scheduleType: 'ondemand', workerGroup: 'wg' } },
      { id: 'A', name: 'A', fields: { type: 'ShellCommandActivity', command: 'echo a' } },
      {
        id: 'B',
        name: 'B',
        fields: { type: 'ShellCommandActivity', command: 'echo b', dependsOn: ref('A') },
      },
      {
        id: 'C',
        name: 'C',
        fields: { type: 'ShellCommandActivity', command: 'echo c', dependsOn: [ref('A'), ref('B')] },
      },
    ],
    parameters: [],
    values: {},
  };
}

describe('graph model', () => {
  it('groups objects into one cluster per YAML step, labelled with name and type', () => {
    const g = buildGraph(enrollments());
    const labels = g.clusters.map((c) => c.label);
    expect(labels).toContain('extract_enrollments  (extract-rds)');
    expect(labels).toContain('upsert_enrollments  (upsert)');
    const copy = g.nodes.find((n) => n.id === 'extract_enrollments.CopyActivity');
    expect(copy?.cluster).toBe('step:extract_enrollments');
    // Pipeline-level objects sit together, not inside a step.
    expect(g.nodes.find((n) => n.id === 'Ec2Resource')?.cluster).toBe('settings');
  });

  it('draws no step clusters for a hand-written definition', () => {
    const g = buildGraph(handWritten());
    expect(g.clusters.filter((c) => c.id.startsWith('step:'))).toEqual([]);
  });

  it('gives data nodes their kind: S3 as folder, tables as cylinders labelled with the table name', () => {
    const g = buildGraph(enrollments());
    const dot = graphToDot(g);
    const staging = g.nodes.find((n) => n.id === 'load_enrollments.RedshiftDataNode');
    expect(staging?.kind).toBe('table');
    expect(staging?.label).toBe('staging.enrollments');
    expect(g.nodes.find((n) => n.id === 'extract_enrollments.SqlDataNode')?.label).toBe('enrollments');
    expect(g.nodes.find((n) => n.id === 'extract_enrollments.S3DataNode')?.kind).toBe('s3');
    expect(dot).toMatch(/"extract_enrollments\.S3DataNode" \[[^\]]*shape = "folder"/);
    expect(dot).toMatch(/"load_enrollments\.RedshiftDataNode" \[[^\]]*shape = "cylinder"/);
    expect(dot).toMatch(/"Ec2Resource" \[[^\]]*shape = "box3d"/);
    // Data formats only configure nodes; they are not drawn.
    expect(g.nodes.some((n) => n.id === 'TsvFormat')).toBe(false);
  });

  it('draws input → activity → output and removes dependsOn edges implied by other paths', () => {
    const g = buildGraph(enrollments());
    const all = edgeSet(g);
    expect(all).toContain('extract_enrollments.SqlDataNode -> extract_enrollments.CopyActivity');
    expect(all).toContain('extract_enrollments.CopyActivity -> extract_enrollments.S3DataNode');
    // load dependsOn extract, but extract → S3 → load already says so.
    expect(all).not.toContain('extract_enrollments.CopyActivity -> load_enrollments.RedshiftCopyActivity');
    // Every step depends on bootstrap; only the first edge is kept.
    expect(all.filter((e) => e.startsWith('bootstrap.'))).toEqual([
      'bootstrap.ShellCommandActivity -> extract_enrollments.CopyActivity',
    ]);
    expect(g.reducedEdges).toBeGreaterThan(0);
  });

  it('links an S3 node one step writes to the node a later step reads at the same path', () => {
    const def = enrollments();
    const load = def.objects.find((o) => o.id === 'load_enrollments.RedshiftCopyActivity')!;
    def.objects.push({
      id: 'load_enrollments.Input',
      name: 'load_enrollments.Input',
      fields: {
        type: 'S3DataNode',
        directoryPath: stringField(
          def.objects.find((o) => o.id === 'extract_enrollments.S3DataNode')!,
          'directoryPath',
        )!,
      },
    });
    load.fields.input = ref('load_enrollments.Input');
    const g = buildGraph(def);
    expect(edgeSet(g, 'samePath')).toEqual(['extract_enrollments.S3DataNode -> load_enrollments.Input']);
    // The path through the shared location makes the explicit dependsOn redundant.
    expect(edgeSet(g)).not.toContain(
      'extract_enrollments.CopyActivity -> load_enrollments.RedshiftCopyActivity',
    );
  });

  it('transitive reduction keeps A → B → C and drops A → C', () => {
    const g = buildGraph(handWritten());
    expect(edgeSet(g, 'dependsOn').sort()).toEqual(['A -> B', 'B -> C']);
  });

  it('keeps a cycle drawable and says so instead of reducing it', () => {
    const def = handWritten();
    def.objects[1].fields.dependsOn = ref('C');
    const g = buildGraph(def);
    expect(g.hasCycle).toBe(true);
    expect(edgeSet(g, 'dependsOn')).toContain('C -> A');
  });

  it('--activities-only keeps only activities and their order', () => {
    const g = buildGraph(enrollments(), { activitiesOnly: true });
    expect(new Set(g.nodes.map((n) => n.kind))).toEqual(new Set(['activity']));
    expect(edgeSet(g).sort()).toEqual(
      [
        'bootstrap.ShellCommandActivity -> extract_enrollments.CopyActivity',
        'extract_enrollments.CopyActivity -> load_enrollments.RedshiftCopyActivity',
        'load_enrollments.RedshiftCopyActivity -> upsert_enrollments.SqlActivity',
        'upsert_enrollments.SqlActivity -> check_primary_key.ShellCommandActivity',
        'upsert_enrollments.SqlActivity -> check_counts.ShellCommandActivity',
        'check_primary_key.ShellCommandActivity -> teardown.ShellCommandActivity',
        'check_counts.ShellCommandActivity -> teardown.ShellCommandActivity',
      ].sort(),
    );
  });

  it('draws a dashed edge to an alarm used by few objects, and a note when many use it', () => {
    const few = buildGraph(enrollments());
    const alarm = few.edges.find((e) => e.kind === 'alarm');
    expect(alarm).toMatchObject({
      from: 'teardown.ShellCommandActivity',
      to: 'FailureAlarm',
      label: 'onFail',
    });
    expect(graphToDot(few)).toMatch(
      /"teardown\.ShellCommandActivity" -> "FailureAlarm" \[[^\]]*style = "dashed"/,
    );

    const def = enrollments();
    for (const o of def.objects)
      if (o.fields.type?.toString().endsWith('Activity')) o.fields.onFail = ref('FailureAlarm');
    const many = buildGraph(def);
    expect(many.edges.filter((e) => e.kind === 'alarm')).toEqual([]);
    expect(many.nodes.find((n) => n.id === 'upsert_enrollments.SqlActivity')?.notes).toEqual([
      'onFail → FailureAlarm',
    ]);
    expect(many.nodes.find((n) => n.id === 'FailureAlarm')?.cluster).toBe('settings');
  });

  it('redacts *fields, parameter values and URL passwords everywhere', () => {
    const def = enrollments();
    def.objects.push({
      id: 'Jdbc',
      name: 'Jdbc',
      fields: {
        type: 'JdbcDatabase',
        connectionString: 'jdbc:postgresql://etl:hunter2@db:5432/app',
        '*password': 'hunter2',
      },
    });
    def.parameters[0].attributes.default = 'hunter2';
    const g = buildGraph(def);
    const db = g.nodes.find((n) => n.id === 'AppDatabase');
    expect(db?.fields['*password']).toBe(REDACTED);
    expect(g.parameters[0].attributes.default).toBe(REDACTED);
    const text = JSON.stringify(g) + graphToDot(g);
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('s3cr3t');
  });

  it('draws a placeholder for a reference to an undefined object', () => {
    const def = handWritten();
    def.objects[1].fields.dependsOn = ref('Missing');
    const g = buildGraph(def);
    expect(g.nodes.find((n) => n.id === 'Missing')?.details).toEqual(['not defined']);
  });

  it('colours nodes by local run status when given one', () => {
    const status = new Map([['upsert_enrollments.SqlActivity', 'failed' as const]]);
    const g = buildGraph(enrollments(), { status });
    expect(g.nodes.find((n) => n.id === 'upsert_enrollments.SqlActivity')?.status).toBe('failed');
    const dot = graphToDot(g);
    expect(dot).toMatch(/"upsert_enrollments\.SqlActivity" \[[^\]]*fillcolor = "#f3a29a"/);
    expect(dot).toContain('<b>failed</b>');
  });

  it('generates a 100-step pipeline-shaped definition', () => {
    const def = makeChainDefinition(100);
    expect(def.meta?.steps).toHaveLength(102); // + bootstrap and teardown
    const g = buildGraph(def, { activitiesOnly: true });
    expect(g.nodes).toHaveLength(102);
    expect(g.edges).toHaveLength(101); // a single chain after reduction
  });
});
