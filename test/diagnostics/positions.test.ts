/** Positions in definition JSON (src/definition/json-lines.ts): one pass per file, a location for every error. */
import { describe, expect, it } from 'vitest';
import { jsonErrorPosition, objectLineIndex } from '../../src/definition/json-lines.js';

describe('objectLineIndex', () => {
  it('finds the line of each object id in a readable file', () => {
    const text = JSON.stringify({ objects: [{ id: 'A' }, { id: 'B "quoted"' }, { id: 'A' }] }, null, 2);
    const at = objectLineIndex(text);
    expect(at('A')).toEqual({ line: 4 });
    expect(at('B "quoted"')).toEqual({ line: 7 });
    expect(at('missing')).toBeUndefined();
  });

  it('gives the column too on a minified line, so the excerpt can be clipped around it', () => {
    const objects = Array.from({ length: 200 }, (_, i) => ({ id: `Obj${i}`, name: `Obj${i}` }));
    const text = JSON.stringify({ objects });
    const at = objectLineIndex(text);
    expect(at('Obj150')).toEqual({ line: 1, column: text.indexOf('"id":"Obj150"') + 1 });
  });
});

describe('jsonErrorPosition', () => {
  const text = '{"objects": [\n  {"id": "A",}\n]}';
  it('reads "at position N" and "line L column C"', () => {
    expect(jsonErrorPosition(text, 'Unexpected token } in JSON at position 26')).toEqual({
      line: 2,
      column: 13,
    });
    expect(
      jsonErrorPosition(text, 'Expected double-quoted property name in JSON at line 2 column 14'),
    ).toEqual({
      line: 2,
      column: 14,
    });
  });

  it('locates an error the message gives no position for', () => {
    expect(jsonErrorPosition('{"a": ', 'Unexpected end of JSON input')).toEqual({ line: 1, column: 7 });
    // Newer messages quote the start of the text: the error is where the text starts.
    expect(jsonErrorPosition('\n  nope', 'Unexpected token \'n\', "nope" is not valid JSON')).toEqual({
      line: 2,
      column: 3,
    });
  });
});
