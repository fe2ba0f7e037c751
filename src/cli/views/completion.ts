/** `etlctl completion` for humans: the script itself, ready for eval or a completions file. */
import type { View } from '../runner.js';

export const completionView: View<{ shell: string; script: string }> = {
  human(o, io) {
    io.out(o.result!.script.replace(/\n$/, ''));
  },
};
