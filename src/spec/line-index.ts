/**
 * Offsets → 1-based line and column, with the line starts found once per text (one linear pass;
 * each lookup a binary search). The one line index of the YAML limits (src/spec/limits.ts) and of
 * definition JSON positions (src/definition/json-lines.ts, json-scan.ts).
 */
export function lineLocator(text: string): (offset: number) => { line: number; column: number } {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo] + 1 };
  };
}
