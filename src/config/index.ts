export * from './types.js';
export { loadConfig, findConfigPath, DEFAULT_CONFIG_PATH, displayPath } from './load.js';
export type { LoadConfigOptions } from './load.js';
export {
  resolveSecret,
  describeSecret,
  parseSecretSource,
  isSecretKey,
  redactConfigValue,
  redactConnectionText,
} from './secrets.js';
export { CONFIG_SCHEMA, declaredKeys, envName } from './schema.js';
export type { KeySpec, KeyType } from './schema.js';
export { explainConfig } from './explain.js';
export type { ExplainRow } from './explain.js';
export { configJsonSchema } from './json-schema.js';
export { locateConfig, CONFIG_CANDIDATES } from './discover.js';
