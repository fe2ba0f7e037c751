import type { Command } from 'commander';

/** Registers the local commands on the program's groups (see main.ts). Heavy modules load inside actions. */
export function registerLocalCommands(_program: Command): void {}
