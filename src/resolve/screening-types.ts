// The yente /match request and response shapes (OpenSanctions' screening API), which screening clients already speak.

/** Query-string parameters of `POST /match/{dataset}` (and `nexus match` options). */
export interface MatchParams {
  /** A dataset name, or `default` for everything. */
  dataset: string;
  algorithm?: string;
  /** Default 0.7. */
  threshold?: number;
  /** Default 5, at most 10. */
  limit?: number;
  topics?: string[];
  includeDataset?: string[];
  excludeDataset?: string[];
  excludeSchema?: string[];
  /** ISO date: only entities changed since then. */
  changedSince?: string;
}

/** One query: an FtM-shaped example entity. */
export interface MatchQuery {
  id?: string;
  schema: string;
  properties: Record<string, unknown[]>;
}

/** The request body: `{"queries": {"q1": {...}, ...}}`, at most 100 queries. */
export interface MatchRequest {
  queries: Record<string, MatchQuery>;
}

export interface MatchResultEntity {
  id: string;
  caption: string;
  schema: string;
  properties: Record<string, string[]>;
  datasets: string[];
  referents: string[];
  target: boolean;
  first_seen: string;
  last_seen: string;
  last_change: string;
  score: number;
  /** Feature name -> contribution in [0, 1], as yente reports them. */
  features: Record<string, number>;
  match: boolean;
  /** Nexus addition: why, in words a person can read. */
  explanation: string[];
}

export interface MatchQueryResponse {
  status: number;
  /** Present when status is not 200. */
  error?: string;
  results: MatchResultEntity[];
  total: { value: number; relation: 'eq' | 'gte' };
  query: MatchQuery;
}

export interface MatchResponse {
  responses: Record<string, MatchQueryResponse>;
  matcher: {
    name: string;
    description: string;
    features: Record<string, { description: string; coefficient: number }>;
  };
  limit: number;
}
