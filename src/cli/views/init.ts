/** `etlctl init` for humans: the files written (and kept), then what to run next. */
import type { InitResult } from '../../project/init.js';
import type { View } from '../runner.js';

export const initView: View<InitResult> = {
  human(o, io) {
    const r = o.result!;
    io.out(`created an etlctl project in ${r.dir}`);
    for (const f of r.files) io.out(`  ${f.status === 'written' ? 'wrote' : 'kept '} ${f.path}`);
    io.out('');
    io.out('next:');
    for (const n of r.next) io.out(`  ${n}`);
  },
};
