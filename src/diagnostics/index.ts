/** The diagnostics module: the Diagnostic type, exit codes, suggestions and the human printer. */
export * from './types.js';
export * from './suggest.js';
export * from './printer.js';
