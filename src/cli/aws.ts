import type { Command } from 'commander';

/** Registers the aws commands on the program's groups (see main.ts). Heavy modules load inside actions. */
export function registerAwsCommands(_program: Command): void {}
