// Crypto tracing (issue 7): an in-memory ledger of value-moving events for one asset on one chain, and taint
// tracing over it (poison, haircut, FIFO; forward and backward; caps; evidence flows). Pure code: storage,
// ingest and views build on it.

export { type Clustering, type ClusterOptions, clusterAddresses, looksLikeCoinJoin } from './cluster.js';
export type { Amt } from './exact.js';
export {
  Ledger,
  LedgerBuilder,
  type LedgerEvent,
  type LedgerEventView,
  type LedgerLeg,
  type LedgerOptions,
  type LedgerStats,
} from './ledger.js';
export {
  type ClusterAnswer,
  type EntityLink,
  type ExposureAnswer,
  type ExposureRequest,
  SERVICE_CATEGORIES,
  type TraceAnswer,
  type TracedAddress,
  type TraceRequest,
  type TraceScope,
  TraceService,
  type WalletInfo,
} from './service.js';
export {
  DEFAULT_TRACE_LIMITS,
  type ReachedAddress,
  type TaintModel,
  type TraceDirection,
  type TraceFlow,
  type TraceLimit,
  type TraceOptions,
  type TraceResult,
  type TraceTotals,
  trace,
  traceJson,
} from './taint.js';
