/** `etlctl schema`: the editor schemas written into a folder (default: beside the project's config). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { locateConfig } from '../config/discover.js';
import { editorSchemaFiles } from './editor-schema.js';

export interface SchemaWriteResult {
  dir: string;
  files: { path: string; describes: 'pipeline' | 'config' }[];
  /** The first line that points an editor at the schema, for a pipeline in <project>/pipelines/ and the config. */
  modelines: { pipeline: string; config: string };
}

export function writeEditorSchemas(opts: {
  out?: string;
  configPath?: string;
  cwd?: string;
}): SchemaWriteResult {
  const cwd = opts.cwd ?? process.cwd();
  const found = locateConfig({ configPath: opts.configPath, cwd });
  const dir = opts.out ? resolve(cwd, opts.out) : found.path ? dirname(found.path) : resolve(cwd, 'config');
  mkdirSync(dir, { recursive: true });
  const files = editorSchemaFiles().map((f) => {
    const path = join(dir, f.name);
    writeFileSync(path, f.text);
    return { path, describes: f.describes };
  });
  return {
    dir,
    files,
    modelines: {
      pipeline: `# yaml-language-server: $schema=${relative(join(found.projectRoot, 'pipelines'), join(dir, 'pipeline.schema.json'))}`,
      config: `# yaml-language-server: $schema=${relative(found.path ? dirname(found.path) : join(cwd, 'config'), join(dir, 'etlctl.schema.json')) || 'etlctl.schema.json'}`,
    },
  };
}
