/**
 * Finds every diagnostic code (`ETLnnnn` inside a string or template literal) in src/ and steps/,
 * with the exit code of the `new EtlError(…, ExitCode.X)` it is thrown with, when there is one.
 * Comments are not code, so a code mentioned only in a comment does not count as used.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

export interface CodeUse {
  code: string;
  file: string;
  line: number;
  /** Exit code of the enclosing `new EtlError(…, ExitCode.X)`; undefined when not thrown there. */
  exit?: number;
  /** The enclosing EtlError has no exit-code argument (so it exits 1). */
  defaultExit?: boolean;
  /** Severity the call site gives the code, when it states one (`ctx.warn(…)`, `diag(…, {severity})`). */
  severity?: string;
}

const EXIT: Record<string, number> = { OK: 0, FAILURE: 1, USAGE: 2, ENVIRONMENT: 3 };
const CODE_RE = /\bETL\d{4}\b/g;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return files(p);
    return /\.ts$/.test(name) && !name.endsWith('.d.ts') ? [p] : [];
  });
}

function enclosingEtlError(node: ts.Node): ts.NewExpression | undefined {
  for (let n: ts.Node | undefined = node.parent; n; n = n.parent) {
    if (ts.isNewExpression(n) && n.expression.getText() === 'EtlError') return n;
    if (ts.isFunctionLike(n) || ts.isStatement(n)) {
      // An EtlError built around a helper call still counts (`new EtlError(diag(…), …)` spans no statement).
      if (!ts.isExpressionStatement(n) && !ts.isReturnStatement(n) && !ts.isThrowStatement(n))
        return undefined;
    }
  }
  return undefined;
}

function severityProperty(obj: ts.Node | undefined): string | undefined | null {
  if (!obj) return null;
  if (!ts.isObjectLiteralExpression(obj)) return undefined;
  for (const p of obj.properties) {
    if (ts.isPropertyAssignment(p) && p.name.getText() === 'severity')
      return ts.isStringLiteral(p.initializer) ? p.initializer.text : undefined;
    if (ts.isSpreadAssignment(p)) return undefined;
  }
  return null;
}

/** The severity a call site states for a code literal; undefined when it cannot be told statically. */
function siteSeverity(node: ts.Node): string | undefined {
  const parent = node.parent;
  if (ts.isPropertyAssignment(parent) && parent.name.getText() === 'code') {
    const sev = severityProperty(parent.parent);
    return sev === null ? undefined : sev;
  }
  if (!ts.isCallExpression(parent)) return undefined;
  const index = parent.arguments.indexOf(node as ts.Expression);
  const callee = parent.expression;
  const name = ts.isPropertyAccessExpression(callee) ? callee.name.text : callee.getText();
  if (index === 0 && (name === 'warn' || name === 'error' || name === 'info'))
    return name === 'warn' ? 'warning' : name;
  if (index === 0 && name === 'diag') {
    const sev = severityProperty(parent.arguments[2]);
    return sev === null ? 'error' : sev;
  }
  if (index === 1 && name === 'at') {
    const sev = severityProperty(parent.arguments[3]);
    return sev === null ? 'error' : sev;
  }
  return undefined;
}

export function scanCodes(root: string, dirs: string[], exclude: (file: string) => boolean): CodeUse[] {
  const uses: CodeUse[] = [];
  for (const dir of dirs) {
    for (const path of files(join(root, dir))) {
      const file = relative(root, path);
      if (exclude(file)) continue;
      const text = readFileSync(path, 'utf8');
      if (!text.includes('ETL')) continue;
      const sf = ts.createSourceFile(path, text, ts.ScriptTarget.ES2022, true);
      const visit = (node: ts.Node): void => {
        let literal: string | undefined;
        if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) literal = node.text;
        else if (ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node))
          literal = node.text;
        if (literal !== undefined) {
          for (const m of literal.matchAll(CODE_RE)) {
            const use: CodeUse = {
              code: m[0],
              file,
              line: sf.getLineAndCharacterOfPosition(node.getStart()).line + 1,
            };
            const severity = literal === m[0] ? siteSeverity(node) : undefined;
            if (severity !== undefined) use.severity = severity;
            const err = enclosingEtlError(node);
            if (err) {
              const arg = err.arguments?.[1];
              if (!arg) use.defaultExit = true;
              else {
                const name = /^ExitCode\.(\w+)$/.exec(arg.getText())?.[1];
                if (name && name in EXIT) use.exit = EXIT[name];
              }
            }
            uses.push(use);
          }
        }
        ts.forEachChild(node, visit);
      };
      visit(sf);
    }
  }
  return uses;
}
