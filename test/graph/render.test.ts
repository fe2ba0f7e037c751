import { describe, expect, it } from 'vitest';
import { objectType } from '../../src/definition/model.js';
import { renderDefinition } from '../../src/graph/render.js';
import { makeChainDefinition } from '../../src/graph/sample.js';
import { checkWellFormedXml, decodeXml, enrollments, expectGolden, pngSize } from './helpers.js';
import { readDefinitionForGraph } from '../../src/graph/load.js';
import { join } from 'node:path';
import { FIXTURES } from './helpers.js';

const activityNames = (def: ReturnType<typeof enrollments>) =>
  def.objects.filter((o) => objectType(o)?.endsWith('Activity')).map((o) => o.name);

describe('rendering', () => {
  it('SVG is well-formed XML and names every activity', async () => {
    const def = enrollments();
    const svg = (await renderDefinition(def, { format: 'svg' })) as string;
    const elements = checkWellFormedXml(svg);
    expect(elements[0]).toBe('svg');
    for (const name of activityNames(def)) expect(decodeXml(svg)).toContain(`>${name}<`);
    expect(svg).not.toContain('s3cr3t');
  });

  it('SVG in TB direction and activities-only mode is well-formed too', async () => {
    const def = enrollments();
    const svg = (await renderDefinition(def, {
      format: 'svg',
      direction: 'TB',
      activitiesOnly: true,
    })) as string;
    checkWellFormedXml(svg);
    for (const name of activityNames(def)) expect(decodeXml(svg)).toContain(`>${name}<`);
    expect(svg).not.toContain('staging.enrollments');
  });

  it('PNG has the PNG signature and a sensible size for a left-to-right flow', async () => {
    const png = (await renderDefinition(enrollments(), { format: 'png' })) as Buffer;
    const { width, height } = pngSize(png);
    expect(width).toBeGreaterThan(1000);
    expect(width).toBeLessThanOrEqual(16000);
    expect(height).toBeGreaterThan(200);
    expect(width).toBeGreaterThan(height); // LR: wider than tall
  });

  it('TB PNG is taller than wide', async () => {
    const png = (await renderDefinition(makeChainDefinition(3), {
      format: 'png',
      direction: 'TB',
    })) as Buffer;
    const { width, height } = pngSize(png);
    expect(height).toBeGreaterThan(width);
  });

  it('DOT output is deterministic and matches the reviewed golden files', async () => {
    const def = enrollments();
    const a = (await renderDefinition(def, { format: 'dot' })) as string;
    const b = (await renderDefinition(enrollments(), { format: 'dot' })) as string;
    expect(a).toBe(b);
    expectGolden('enrollments.dot', a);
    expectGolden(
      'enrollments-activities-tb.dot',
      (await renderDefinition(def, {
        format: 'dot',
        direction: 'TB',
        activitiesOnly: true,
      })) as string,
    );
    const { definition: hand } = await readDefinitionForGraph(join(FIXTURES, 'enrollments.json'));
    expectGolden('enrollments-hand-written.dot', (await renderDefinition(hand, { format: 'dot' })) as string);
    expectGolden(
      'chain-6.dot',
      (await renderDefinition(makeChainDefinition(6), { format: 'dot' })) as string,
    );
  });

  it('HTML is one self-contained file with the SVG inline, pan/zoom and redacted node details', async () => {
    const html = (await renderDefinition(enrollments(), { format: 'html' })) as string;
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<svg');
    expect(html).not.toContain('<?xml');
    // Nothing loaded from elsewhere.
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).not.toMatch(/<link[^>]+href=/);
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
    expect(html).toContain("addEventListener('wheel'");
    // The page script at least parses (it is plain ES5, run by the browser).
    const code = /<script>([\s\S]*?)<\/script>/.exec(html)![1];
    expect(() => new Function(code)).not.toThrow();
    const data = JSON.parse(
      /<script type="application\/json" id="etl-data">(.*?)<\/script>/s.exec(html)![1],
    ) as {
      nodes: Record<string, { id: string; fields: Record<string, unknown> }>;
      parameters: { id: string; attributes: Record<string, unknown> }[];
    };
    const db = Object.values(data.nodes).find((n) => n.id === 'AppDatabase');
    expect(db?.fields['*password']).toContain('redacted');
    expect(db?.fields.rdsInstanceId).toBe('app-prod');
    // Node ids in the SVG match the details table.
    for (const id of Object.keys(data.nodes)) expect(html).toContain(`<g id="${id}" class="node">`);
    expect(html).not.toContain('s3cr3t');
  });

  it('escapes names that look like markup', async () => {
    const def = enrollments();
    def.objects.find((o) => o.id === 'check_counts.ShellCommandActivity')!.name = 'a<b>&"c"</script>';
    def.objects.find((o) => o.id === 'check_primary_key.ShellCommandActivity')!.name = 'check-pk [x] {y}';
    const svg = (await renderDefinition(def, { format: 'svg' })) as string;
    checkWellFormedXml(svg);
    expect(decodeXml(svg)).toContain('>a<b>&"c"</script><');
    expect(decodeXml(svg)).toContain('>check-pk [x] {y}<');
    const html = (await renderDefinition(def, { format: 'html' })) as string;
    expect(html.match(/<\/script>/g)).toHaveLength(2); // only the two real script elements close
  });
});
