export * from './types.js';
export { loadConfig, findConfigPath, DEFAULT_CONFIG_PATH, displayPath } from './load.js';
export type { LoadConfigOptions } from './load.js';
export { resolveSecret, describeSecret, parseSecretSource, isSecretKey } from './secrets.js';
