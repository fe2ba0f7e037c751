/** Handlebars templates for generated SQL and shell commands (templates/*.hbs). */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type HandlebarsNs from 'handlebars';
import { packageRoot } from '../paths.js';

type Handlebars = typeof HandlebarsNs;
type Template = HandlebarsNs.TemplateDelegate;
type Spec = Parameters<Handlebars['template']>[0];

const require = createRequire(import.meta.url);

/** SQL is not HTML: no escaping; strict, so a missing variable is a bug, not an empty string. */
export const TEMPLATE_OPTIONS = { noEscape: true, strict: true } as const;

export function templateHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 24);
}

function withHelpers(hb: Handlebars): Handlebars {
  hb.registerHelper('join', (list: unknown, sep: unknown) =>
    Array.isArray(list) ? list.join(typeof sep === 'string' ? sep : ', ') : '',
  );
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  return hb;
}

// The build precompiles the templates (scripts/gen-templates.mjs) so start-up loads the small
// runtime instead of the compiler and its dependencies (issue 7); the compiler is loaded only for
// a template the build did not see or that changed since, and when running from src/ (tests).
let runtime: Handlebars | undefined;
let compiler: Handlebars | undefined;
const cache = new Map<string, Template>();

function load(name: string): Template {
  const text = readFileSync(join(packageRoot(), 'templates', `${name}.hbs`), 'utf8');
  let spec: Spec | undefined;
  // ETLCTL_NO_TEMPLATE_CACHE=1 compiles at run time (the test comparing both paths uses it).
  if (!process.env.ETLCTL_NO_TEMPLATE_CACHE) {
    try {
      spec = require(`./templates/${templateHash(text)}.cjs`) as Spec;
    } catch {
      spec = undefined;
    }
  }
  if (spec) {
    runtime ??= withHelpers((require('handlebars/runtime') as Handlebars).create());
    return runtime.template(spec);
  }
  compiler ??= withHelpers((require('handlebars') as Handlebars).create());
  return compiler.compile(text, TEMPLATE_OPTIONS);
}

export function renderTemplate(name: string, data: Record<string, unknown>): string {
  let t = cache.get(name);
  if (!t) {
    t = load(name);
    cache.set(name, t);
  }
  return t(data);
}
