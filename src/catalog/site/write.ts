/**
 * Writes the catalog's output folder (issue 16):
 *
 *   catalog.json          the catalog (src/catalog/model.ts)
 *   catalog.schema.json   its JSON Schema
 *   index.html            the site: open it from disk, no server, nothing fetched
 *   assets/catalog.js     the catalog as a script (file:// pages may not fetch JSON)
 *   assets/app.js, assets/style.css
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import catalogSchema from '../catalog.schema.json' with { type: 'json' };
import { diag, EtlError, ExitCode } from '../../diagnostics.js';
import type { Catalog } from '../model.js';
import { APP_JS } from './app.js';
import { STYLE_CSS } from './style.js';

/** JSON safe inside a <script>: `<` can never start `</script>` or `<!--`. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

const INDEX_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Data catalog — etlctl</title>
<link rel="stylesheet" href="assets/style.css">
</head>
<body>
<header>
  <h1><a href="#">Data catalog</a></h1>
  <input id="search" type="search" placeholder="Search tables, columns, pipelines, descriptions, tags…" autocomplete="off" aria-label="Search">
  <span class="meta" id="stamp"></span>
</header>
<main id="main"><noscript>This catalog needs JavaScript; the data is in catalog.json.</noscript></main>
<script src="assets/catalog.js"></script>
<script src="assets/app.js"></script>
</body>
</html>
`;

export const CATALOG_SCHEMA: object = catalogSchema;

/**
 * Writes the folder. The large files are written while the next one is serialized (a catalog of
 * a thousand pipelines is megabytes of JSON), and all of them at once.
 */
export async function writeCatalogSite(dir: string, catalog: Catalog): Promise<string[]> {
  const names = [
    'catalog.json',
    'catalog.schema.json',
    'index.html',
    'assets/catalog.js',
    'assets/app.js',
    'assets/style.css',
  ];
  const writes: Promise<void>[] = [];
  const write = (name: string, text: string) => writes.push(writeFile(join(dir, name), text));
  try {
    await mkdir(join(dir, 'assets'), { recursive: true });
    write('catalog.json', JSON.stringify(catalog, null, 2) + '\n');
    write('assets/catalog.js', `window.ETLCTL_CATALOG = ${scriptJson(catalog)};\n`);
    write('catalog.schema.json', JSON.stringify(catalogSchema, null, 2) + '\n');
    write('index.html', INDEX_HTML);
    write('assets/app.js', APP_JS);
    write('assets/style.css', STYLE_CSS);
    // Every write is settled before an error is reported: none is left running.
    const failed = (await Promise.allSettled(writes)).find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  } catch (e) {
    throw new EtlError(
      diag('ETL3512', `cannot write the catalog to ${dir}: ${(e as Error).message}`, {
        hint: 'pick a writable folder with -o',
      }),
      ExitCode.ENVIRONMENT,
    );
  }
  return names.map((name) => join(dir, name));
}
