/**
 * Kept so the many `../diagnostics.js` imports (and other branches' new ones) go on working while
 * the module lives in src/diagnostics/ (types, suggestions, printer, code registry).
 */
export * from './diagnostics/index.js';
