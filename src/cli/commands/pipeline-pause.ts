/** `etlctl pipeline pause` (shared with its twin in pause-resume.ts). */
import type { Command } from 'commander';
import { registerPauseResume } from './pause-resume.js';

export function register(program: Command): void {
  registerPauseResume(program, 'pause');
}
