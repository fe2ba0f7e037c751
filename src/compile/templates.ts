/** Handlebars templates for generated SQL and shell commands (templates/*.hbs). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { packageRoot } from '../paths.js';

const hb = Handlebars.create();
hb.registerHelper('join', (list: unknown, sep: unknown) =>
  Array.isArray(list) ? list.join(typeof sep === 'string' ? sep : ', ') : '',
);
hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);

const cache = new Map<string, Handlebars.TemplateDelegate>();

export function renderTemplate(name: string, data: Record<string, unknown>): string {
  let t = cache.get(name);
  if (!t) {
    const text = readFileSync(join(packageRoot(), 'templates', `${name}.hbs`), 'utf8');
    // SQL is not HTML: no escaping; strict so a missing variable is a bug, not an empty string.
    t = hb.compile(text, { noEscape: true, strict: true });
    cache.set(name, t);
  }
  return t(data);
}
