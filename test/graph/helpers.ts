/** Helpers for the graph tests: fixtures, a tiny XML well-formedness check, PNG header reading. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { expect } from 'vitest';
import type { Definition } from '../../src/definition/model.js';

export const FIXTURES = resolve(__dirname, 'fixtures');
export const GOLDEN = resolve(__dirname, '..', 'golden', 'graph');

/** A compiled-looking definition (objects carry origin, meta lists steps) of extract → load → upsert → qa. */
export function enrollments(): Definition {
  return JSON.parse(readFileSync(join(FIXTURES, 'enrollments.definition-model.json'), 'utf8')) as Definition;
}

/**
 * Strict enough for generated SVG: every tag closes in order, attributes are quoted, `&` only
 * starts a known or numeric entity, one root element. Returns the element names seen.
 */
export function checkWellFormedXml(text: string): string[] {
  const names: string[] = [];
  const stack: string[] = [];
  let roots = 0;
  let i = 0;
  const fail = (why: string): never => {
    const line = text.slice(0, i).split('\n').length;
    throw new Error(`not well-formed XML at line ${line}: ${why}`);
  };
  const checkText = (s: string): void => {
    const bad = /&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.exec(s);
    if (bad) fail(`bare '&' in "${s.slice(Math.max(0, bad.index - 10), bad.index + 10)}"`);
    if (s.includes('<')) fail('bare < in text');
  };
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    if (lt < 0) {
      checkText(text.slice(i));
      break;
    }
    checkText(text.slice(i, lt));
    i = lt;
    if (text.startsWith('<!--', i)) {
      const end = text.indexOf('-->', i);
      if (end < 0) fail('unclosed comment');
      i = end + 3;
    } else if (text.startsWith('<?', i)) {
      const end = text.indexOf('?>', i);
      if (end < 0) fail('unclosed processing instruction');
      i = end + 2;
    } else if (text.startsWith('<!DOCTYPE', i)) {
      const end = text.indexOf('>', i);
      i = end + 1;
    } else if (text.startsWith('<![CDATA[', i)) {
      const end = text.indexOf(']]>', i);
      if (end < 0) fail('unclosed CDATA');
      i = end + 3;
    } else if (text.startsWith('</', i)) {
      const m = /^<\/([A-Za-z_][\w:.-]*)\s*>/.exec(text.slice(i));
      if (!m) fail('bad end tag');
      const open = stack.pop();
      if (open !== m![1]) fail(`</${m![1]}> closes <${open}>`);
      i += m![0].length;
    } else {
      const m = /^<([A-Za-z_][\w:.-]*)((?:\s+[A-Za-z_][\w:.-]*\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>/.exec(
        text.slice(i),
      );
      if (!m) fail(`bad start tag: ${text.slice(i, i + 60)}`);
      const seen = new Set<string>();
      for (const a of m![2].matchAll(/([A-Za-z_][\w:.-]*)\s*=\s*("[^"]*"|'[^']*')/g)) {
        if (seen.has(a[1])) fail(`duplicate attribute ${a[1]}`);
        seen.add(a[1]);
        checkText(a[2].slice(1, -1));
      }
      names.push(m![1]);
      if (stack.length === 0) roots++;
      if (!m![3]) stack.push(m![1]);
      i += m![0].length;
    }
  }
  if (stack.length > 0) fail(`unclosed <${stack[stack.length - 1]}>`);
  if (roots !== 1) fail(`${roots} root elements`);
  return names;
}

/** Width and height from a PNG's IHDR chunk, after checking the signature. */
export function pngSize(buf: Buffer): { width: number; height: number } {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(buf.subarray(0, 8).equals(signature)).toBe(true);
  expect(buf.subarray(12, 16).toString('ascii')).toBe('IHDR');
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

/** Compare with test/golden/graph/<name>; UPDATE_GOLDEN=1 rewrites the file instead. */
export function expectGolden(name: string, actual: string): void {
  const file = join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  if (!existsSync(file)) throw new Error(`missing golden file ${file}; create it with UPDATE_GOLDEN=1`);
  expect(actual, `differs from ${file}; rerun with UPDATE_GOLDEN=1 after reviewing`).toBe(
    readFileSync(file, 'utf8'),
  );
}

/** SVG text with character references decoded (Graphviz writes `-` as `&#45;`). */
export function decodeXml(text: string): string {
  return text
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&#x([0-9a-fA-F]+);/g, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}
