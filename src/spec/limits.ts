/**
 * Input limits (issue 12): what etlctl refuses to read, checked before the YAML parser or the
 * checker sees the text, so a hostile or broken file gives a diagnostic at its line instead of a
 * V8 out-of-memory abort, a stack overflow or megabytes of output. Every check here is one linear
 * pass and none recurses.
 */
import { CST, isAlias, isCollection, isScalar, Lexer, visit } from 'yaml';
import type { Document, Node } from 'yaml';
import type { Diagnostic } from '../diagnostics/index.js';
import { diag } from '../diagnostics/index.js';
import { lineLocator } from './line-index.js';

export const LIMITS = {
  /** Largest pipeline or config YAML file read (bytes of text). */
  yamlBytes: 8 * 1024 * 1024,
  /** Deepest nesting of mappings and lists, in YAML and in definition JSON. */
  depth: 64,
  /** YAML syntax errors listed per file before one "N more" error. */
  yamlErrors: 20,
  /** Longest YAML string value (characters). */
  stringChars: 1024 * 1024,
  /** Collections an alias may copy in one file (the yaml library's own bomb guard). */
  aliasCount: 1000,
  /** Largest definition JSON file read (bytes of text). */
  jsonBytes: 64 * 1024 * 1024,
  /** Most objects in one definition the checker reads. */
  objects: 100_000,
  /** Largest picture drawn. */
  graphNodes: 2000,
  graphEdges: 4000,
} as const;

const mib = (n: number): string => `${(n / 1024 / 1024).toFixed(n % (1024 * 1024) === 0 ? 0 : 1)} MiB`;

/** Tokens that start a node in block context (the lexer marks plain scalars with \x1f). */
const NODE_START = new Set([
  'scalar',
  'single-quoted-scalar',
  'double-quoted-scalar',
  'block-scalar-header',
  'seq-item-ind',
  'explicit-key-ind',
  'flow-map-start',
  'flow-seq-start',
  'anchor',
  'tag',
  'alias',
]);

/**
 * The offset where the nesting of a YAML text first exceeds `max`, from the lexer's tokens (which
 * do not recurse). Block nesting is the stack of indentation columns of the nodes that start a line
 * or follow `- ` / `? `; flow nesting counts brackets.
 */
export function yamlDepthExceeded(text: string, max = LIMITS.depth): number | undefined {
  let offset = 0;
  let column = 0;
  let flow = 0;
  let lineStart = true;
  let afterIndicator = false;
  const columns: number[] = [];
  for (const token of new Lexer().lex(text)) {
    // Control markers (document, scalar, flow-error) take no room in the text.
    if (token.length === 1 && token.charCodeAt(0) < 0x20 && token !== '\n' && token !== '\t') {
      if (token === CST.SCALAR && flow === 0 && (lineStart || afterIndicator)) {
        while (columns.length > 0 && columns[columns.length - 1] > column) columns.pop();
        if (columns.length === 0 || columns[columns.length - 1] < column) columns.push(column);
        lineStart = afterIndicator = false;
        if (columns.length + flow > max) return offset;
      }
      continue;
    }
    const type = CST.tokenType(token);
    if (type === 'flow-seq-start' || type === 'flow-map-start') {
      flow++;
      if (columns.length + flow > max) return offset;
    } else if (type === 'flow-seq-end' || type === 'flow-map-end') {
      flow = Math.max(0, flow - 1);
    } else if (type !== 'space' && type !== 'newline' && type !== 'comment' && type !== null) {
      if (flow === 0 && (lineStart || afterIndicator) && type !== undefined && NODE_START.has(type)) {
        while (columns.length > 0 && columns[columns.length - 1] > column) columns.pop();
        if (columns.length === 0 || columns[columns.length - 1] < column) columns.push(column);
        if (columns.length > max) return offset;
      }
      afterIndicator = type === 'seq-item-ind' || type === 'explicit-key-ind';
      lineStart = false;
    }
    const nl = token.lastIndexOf('\n');
    if (nl >= 0) {
      column = token.length - nl - 1;
      lineStart = true;
      afterIndicator = false;
    } else column += token.length;
    offset += token.length;
  }
  return undefined;
}

/** Size and nesting of a YAML text, before it is parsed: an error means "do not parse". */
export function checkYamlText(text: string, file: string, bytes = text.length): Diagnostic[] {
  if (bytes > LIMITS.yamlBytes) {
    return [
      diag('ETL1300', `the file has ${mib(bytes)}, more than the ${mib(LIMITS.yamlBytes)} etlctl reads`, {
        file,
        line: 1,
        column: 1,
        hint: 'split the pipeline into several files, or move long SQL into files under sql/',
      }),
    ];
  }
  const deep = yamlDepthExceeded(text);
  if (deep === undefined) return [];
  return [
    diag('ETL1301', `the value here is nested more than ${LIMITS.depth} levels deep`, {
      file,
      ...lineLocator(text)(deep),
      hint: 'flatten the value: no pipeline or config needs this much nesting',
    }),
  ];
}

/** Whether alias `a` sits inside the node its anchor marks (an endless value). */
function selfReferencing(doc: Document.Parsed, node: Node & { source: string }): boolean {
  let target: Node | undefined;
  try {
    target = (node as unknown as { resolve(d: Document.Parsed): Node | undefined }).resolve(doc);
  } catch {
    return false;
  }
  const t = target?.range;
  const a = node.range;
  return !!t && !!a && isCollection(target) && t[0] <= a[0] && a[1] <= t[2];
}

/**
 * Aliases that refer to their own value and strings over the limit, at their positions. The
 * library's visitor recurses, which is safe here: checkYamlText has bounded the depth first.
 */
export function checkYamlDocument(
  doc: Document.Parsed,
  file: string,
  at: (offset: number) => { line: number; column: number },
): Diagnostic[] {
  const out: Diagnostic[] = [];
  visit(doc, (_key, node) => {
    if (out.length >= LIMITS.yamlErrors) return visit.BREAK;
    if (isAlias(node) && selfReferencing(doc, node)) {
      out.push(
        diag(
          'ETL1303',
          `the alias *${node.source} is inside the value its anchor &${node.source} marks: the value would never end`,
          {
            file,
            ...at(node.range?.[0] ?? 0),
            hint: 'write the value out instead of referring to itself',
          },
        ),
      );
    } else if (isScalar(node) && typeof node.value === 'string' && node.value.length > LIMITS.stringChars) {
      out.push(
        diag(
          'ETL1304',
          `this string has ${node.value.length.toLocaleString('en-US')} characters, more than ${LIMITS.stringChars.toLocaleString('en-US')}`,
          {
            file,
            ...at(node.range?.[0] ?? 0),
            hint: 'put long SQL in a file under sql/ and reference it',
          },
        ),
      );
    }
    return undefined;
  });
  return out;
}

/** The first alias to a collection: where an alias bomb is reported (the library says no position). */
export function firstCollectionAlias(doc: Document.Parsed): number | undefined {
  let found: number | undefined;
  visit(doc, {
    Alias(_key, node) {
      try {
        if (isCollection(node.resolve(doc))) {
          found = node.range?.[0];
          return visit.BREAK;
        }
      } catch {
        // An unresolvable alias is a syntax error reported by the parser.
      }
      return undefined;
    },
  });
  return found;
}
