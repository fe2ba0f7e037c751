/**
 * Which Data Pipeline types are drawn as what, and the one palette every picture uses, so a
 * kind has the same shape and colour in every output (and in the legend).
 */
import type { EdgeKind, NodeKind, NodeStatus } from './model.js';

const TABLE_TYPES = new Set(['SqlDataNode', 'RedshiftDataNode', 'MySqlDataNode', 'DynamoDBDataNode']);
const RESOURCE_TYPES = new Set(['Ec2Resource', 'EmrCluster']);
const ALARM_TYPES = new Set(['SnsAlarm', 'Terminate']);
const DATABASE_TYPES = new Set(['RdsDatabase', 'JdbcDatabase', 'RedshiftDatabase']);
const PRECONDITION_TYPES = new Set([
  'ShellCommandPrecondition',
  'Exists',
  'S3KeyExists',
  'S3PrefixNotEmpty',
  'DynamoDBDataExists',
  'DynamoDBTableExists',
]);
/** Helper objects that only configure others; their fields show in the referrer's details. */
const HIDDEN_TYPES = new Set([
  'CSV',
  'TSV',
  'Custom',
  'RegEx',
  'DynamoDBDataFormat',
  'DynamoDBExportDataFormat',
  'HttpProxy',
  'ShellScriptConfig',
  'EmrConfiguration',
  'Property',
  'EbsConfiguration',
  'EbsBlockDeviceConfig',
  'VolumeSpecification',
]);

/** The kind of an object, or undefined when the object is not drawn. */
export function kindOf(id: string, type: string | undefined): NodeKind | undefined {
  if (id === 'Default') return 'default';
  if (type === undefined) return undefined; // pure parent objects: their fields live in children
  if (HIDDEN_TYPES.has(type)) return undefined;
  if (type.endsWith('Activity')) return 'activity';
  if (type === 'S3DataNode') return 's3';
  if (TABLE_TYPES.has(type)) return 'table';
  if (RESOURCE_TYPES.has(type)) return 'resource';
  if (type === 'Schedule') return 'schedule';
  if (ALARM_TYPES.has(type)) return 'alarm';
  if (DATABASE_TYPES.has(type)) return 'database';
  if (PRECONDITION_TYPES.has(type)) return 'precondition';
  return 'other';
}

export interface KindStyle {
  shape: string;
  fill: string;
  stroke: string;
  /** Extra DOT `style` words besides `filled`. */
  style?: string;
  legend: string;
}

export const KIND_STYLES: Record<NodeKind, KindStyle> = {
  activity: { shape: 'box', fill: '#cdebf5', stroke: '#1f7a99', style: 'rounded', legend: 'activity' },
  s3: { shape: 'folder', fill: '#ececec', stroke: '#6b6b6b', legend: 'S3 data node' },
  table: { shape: 'cylinder', fill: '#f7e6b0', stroke: '#a8790a', legend: 'table (SQL / Redshift)' },
  resource: { shape: 'box3d', fill: '#e4daf3', stroke: '#6a4c93', legend: 'resource (EC2 / EMR)' },
  schedule: { shape: 'tab', fill: '#d8f0d8', stroke: '#3c8d3c', legend: 'schedule' },
  alarm: { shape: 'octagon', fill: '#fbd5d0', stroke: '#c0392b', legend: 'alarm / action' },
  database: { shape: 'component', fill: '#fbe3cc', stroke: '#b3621b', legend: 'database connection' },
  precondition: { shape: 'hexagon', fill: '#fff4c2', stroke: '#a08600', legend: 'precondition' },
  default: { shape: 'note', fill: '#f7f7f7', stroke: '#8a8a8a', legend: 'pipeline defaults' },
  other: { shape: 'box', fill: '#ffffff', stroke: '#8a8a8a', style: 'dashed', legend: 'other object' },
};

/** Order of kinds in the legend. */
export const KIND_ORDER: NodeKind[] = [
  'activity',
  's3',
  'table',
  'precondition',
  'resource',
  'database',
  'schedule',
  'alarm',
  'default',
  'other',
];

export interface EdgeStyle {
  color: string;
  style: string;
  legend: string;
}

export const EDGE_STYLES: Record<EdgeKind, EdgeStyle> = {
  dependsOn: { color: '#1f5fa8', style: 'solid', legend: 'dependsOn' },
  data: { color: '#4d4d4d', style: 'solid', legend: 'input / output' },
  samePath: { color: '#9a9a9a', style: 'dashed', legend: 'same S3 location' },
  order: { color: '#1f5fa8', style: 'solid', legend: 'runs after' },
  precondition: { color: '#a08600', style: 'dotted', legend: 'precondition' },
  alarm: { color: '#c0392b', style: 'dashed', legend: 'onFail / onSuccess / onLate' },
};

export const EDGE_ORDER: EdgeKind[] = ['data', 'samePath', 'dependsOn', 'order', 'precondition', 'alarm'];

export const STATUS_FILLS: Record<NodeStatus, string> = {
  waiting: '#e6e6e6',
  running: '#ffe28a',
  finished: '#b9e4c0',
  failed: '#f3a29a',
  'cascade-failed': '#f6c3bd',
  skipped: '#f2f2f2',
  cancelled: '#d9d9d9',
  late: '#ffc987',
};

export const FONT = 'Helvetica';
export const CLUSTER_STROKE = '#9fb3c8';
export const CLUSTER_FILL = '#f6f9fc';
export const NOTE_COLOR = '#c0392b';
export const DETAIL_COLOR = '#555555';
