/**
 * The resolved config: a plain value passed down (no singletons), each leaf knowing its source.
 * The section types are derived from CONFIG_SCHEMA (schema.ts): a key with a default (or a
 * required one) is a required property, every other key an optional one, snake_case keys become
 * camelCase properties.
 */
import type { Diagnostic } from '../diagnostics.js';
import type { ConfigSchema, KeySpec } from './schema.js';

/** Where a secret's value comes from. The value itself is only read at activation time. */
export type SecretRef =
  | { kind: 'env'; name: string }
  | { kind: 'file'; key: string }
  | { kind: 'config'; path: string }; // a literal in the config file (Dataduct layout); read at activation

export interface Permission {
  user?: string;
  group?: string;
  permission: string;
}

type Camel<S extends string> = S extends `${infer H}_${infer T}` ? `${H}${Capitalize<Camel<T>>}` : S;

/** The TypeScript type of one declared key. */
export type ValueOf<K> = K extends { type: 'enum'; values: readonly (infer U)[] }
  ? U
  : K extends { type: 'string' | 'path' }
    ? string
    : K extends { type: 'number' }
      ? number
      : K extends { type: 'boolean' }
        ? boolean
        : K extends { type: 'string-list' | 'path-list' }
          ? string[]
          : K extends { type: 'string-map' }
            ? Record<string, string>
            : K extends { type: 'secret' }
              ? SecretRef
              : K extends { type: 'permissions' }
                ? Permission[]
                : K extends { type: 'step-lists' }
                  ? { ec2?: unknown[]; emr?: unknown[] }
                  : unknown;

type Always<K> = K extends { default: unknown } ? true : K extends { required: true } ? true : false;
type Simplify<T> = { [P in keyof T]: T[P] } & {};

/** The properties of a section: keys with a default are always there, the others optional. */
export type SectionOf<Keys extends Readonly<Record<string, KeySpec>>> = Simplify<
  { -readonly [P in keyof Keys as Always<Keys[P]> extends true ? Camel<P & string> : never]: ValueOf<Keys[P]> } & {
    -readonly [P in keyof Keys as Always<Keys[P]> extends true ? never : Camel<P & string>]?: ValueOf<Keys[P]>;
  }
>;

export type Engine = ValueOf<ConfigSchema['databases']['keys']['engine']>;
export type Target = ValueOf<ConfigSchema['target']>;

export type AwsConfig = SectionOf<ConfigSchema['aws']['keys']>;
export type AlertsConfig = SectionOf<ConfigSchema['alerts']['keys']>;
export type Ec2Config = SectionOf<ConfigSchema['ec2']['keys']>;
export type EmrConfig = SectionOf<ConfigSchema['emr']['keys']>;
export type DefaultsConfig = SectionOf<ConfigSchema['defaults']['keys']>;
export type LocalConfig = SectionOf<ConfigSchema['local']['keys']>;
export type FilesConfig = SectionOf<ConfigSchema['files']['keys']>;
/** One named connection: its name plus the declared keys. */
export type DatabaseConfig = Simplify<{ name: string } & SectionOf<ConfigSchema['databases']['keys']>>;

export interface ConfigValue {
  value: unknown;
  source: string;
}

/** The typed config keys, as CONFIG_SCHEMA declares them. */
export interface SchemaConfig {
  target: Target;
  aws: AwsConfig;
  alerts: AlertsConfig;
  ec2: Ec2Config;
  emr: EmrConfig;
  defaults: DefaultsConfig;
  databases: Record<string, DatabaseConfig>;
  local: LocalConfig;
  files: FilesConfig;
  secretsFile?: ValueOf<ConfigSchema['secrets_file']>;
  /** `database.permissions`. */
  permissions: ValueOf<ConfigSchema['database']['keys']['permissions']>;
  /** Pipeline-level step lists from config (Dataduct `bootstrap:` / `teardown:`). */
  bootstrap?: ValueOf<ConfigSchema['bootstrap']>;
  teardown?: ValueOf<ConfigSchema['teardown']>;
  /** `parameters:` values of Data Pipeline parameters (src/definition/parameter-input.ts reads them). */
  parameters?: ValueOf<ConfigSchema['parameters']>;
}

export interface ResolvedConfig extends SchemaConfig {
  /** Config file used, if any (absolute). */
  file?: string;
  /** 'etlctl' or 'dataduct' layout of that file. */
  layout: 'etlctl' | 'dataduct' | 'defaults';
  mode?: string;
  modes: string[];
  /**
   * The project folder: the one holding `config/etlctl.yaml` (or `etlctl.yaml`) that was found,
   * the folder of an explicit config file (its parent when that folder is `config/`), else the
   * current directory. Local files a pipeline reads must lie under it (or an allowed root).
   */
  projectRoot: string;
  /** Every leaf value by dotted key, with where it came from. */
  values: Map<string, ConfigValue>;
  /** Config file texts by path, for diagnostics excerpts. */
  sources: Map<string, string>;
  /** Notes for the user about how the config was found (info diagnostics, e.g. none was found). */
  notices: Diagnostic[];
}
