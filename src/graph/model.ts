/**
 * The graph model: what the picture shows, independent of how it is drawn. Built from a
 * Definition by build.ts, turned into DOT by dot.ts. Run status (from the local engine) is
 * data on a node, so a status view is the same renderer with `status` filled in.
 */

/** What a node stands for; decides its shape and colour (style.ts). */
export type NodeKind =
  | 'activity'
  | 's3'
  | 'table'
  | 'resource'
  | 'schedule'
  | 'alarm'
  | 'database'
  | 'precondition'
  | 'default'
  | 'other';

/** Local run status of an object, for colouring; mirrors the Data Pipeline instance states we use. */
export type NodeStatus =
  'waiting' | 'running' | 'finished' | 'failed' | 'cascade-failed' | 'skipped' | 'cancelled' | 'late';

/** Redacted, printable field values: refs become `→ id`, secrets become REDACTED. */
export type DisplayFields = Record<string, string | string[]>;

export interface GraphNode {
  /** The Data Pipeline object id (unique). */
  id: string;
  kind: NodeKind;
  /** The object's `type` field, or `Default`. */
  type: string;
  /** First label line (bold): object name, or table name for table nodes. */
  label: string;
  /** Further, smaller label lines (type, path, period, …). Never holds secrets. */
  details: string[];
  /** Annotation lines drawn in the alarm colour (onFail → X when edges would be a hairball). */
  notes: string[];
  /** Cluster id (a YAML step), or 'settings' for pipeline-level objects, or undefined. */
  cluster?: string;
  fields: DisplayFields;
  /** Where the object came from, for the HTML details panel. */
  origin?: { file: string; line: number; step?: string; stepType?: string };
  status?: NodeStatus;
}

/** `samePath`: two S3 data nodes naming the same location (one step writes it, a later one reads it). */
export type EdgeKind = 'dependsOn' | 'data' | 'samePath' | 'alarm' | 'precondition' | 'order';

export interface GraphEdge {
  from: string;
  to: string;
  kind: EdgeKind;
  /** Short edge label (onFail, onSuccess, onLateAction). */
  label?: string;
}

export interface GraphCluster {
  id: string;
  label: string;
  /** Step type when the cluster is a YAML step. */
  stepType?: string;
}

export type Direction = 'LR' | 'TB';

export interface PipelineGraph {
  title: string;
  direction: Direction;
  nodes: GraphNode[];
  edges: GraphEdge[];
  clusters: GraphCluster[];
  /** Parameters with values redacted, for the HTML details panel. */
  parameters: { id: string; attributes: DisplayFields }[];
  /** Edges removed by the transitive reduction (count only, for reports). */
  reducedEdges: number;
  /** True when a dependency cycle stopped the reduction. */
  hasCycle: boolean;
}

export interface BuildOptions {
  direction?: Direction;
  activitiesOnly?: boolean;
  /** Local run status per object id, drawn as node colour. */
  status?: ReadonlyMap<string, NodeStatus>;
}
