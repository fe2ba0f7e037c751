/** `etlctl schema` for humans: the files written and the line that points an editor at them. */
import type { SchemaWriteResult } from '../../project/write-schemas.js';
import type { View } from '../runner.js';

export const schemaView: View<SchemaWriteResult> = {
  human(o, io) {
    const r = o.result!;
    for (const f of r.files) io.out(`wrote ${f.path} (${f.describes} files)`);
    io.out('point a YAML file at its schema with a first line such as');
    io.out(`  ${r.modelines.config}`);
    io.out(`  ${r.modelines.pipeline}`);
  },
};
