// The audit log (DPA 2018 s.62): event shapes and the hash chain; stores keep the records (Store.audit).
export { type ChainReport, canonicalRecord, GENESIS_HASH, recordHash, verifyChain } from './chain.js';
export {
  AUDIT_CATEGORIES,
  type AuditCategory,
  type AuditEventInput,
  type AuditQuery,
  type AuditRecord,
  MAX_AUDIT_OBJECTS,
  normaliseEvent,
} from './events.js';
