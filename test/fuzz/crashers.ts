/**
 * Inputs that fuzzing found to crash etlctl (or to report an error with no location), kept as
 * regression cases: each is written to `file` in the fuzz folder and run with `args` ($FILE is
 * that file, $DIR the folder; `--json` is added).
 */
export interface Crasher {
  name: string;
  file: string;
  args: string[];
  text: string;
}

export const CRASHERS: Crasher[] = [];
