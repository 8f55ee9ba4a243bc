// `nexus audit verify|list` (the hash-chained audit log) and `nexus erase` (erasure with its audit record).
import { parseArgs } from 'node:util';
import { AUDIT_CATEGORIES, type AuditCategory, type AuditQuery, verifyChain } from '../../audit/index.js';
import { NexusError } from '../../model/index.js';
import { type CommandEnv, json, requireOperator, withStore } from '../io.js';

export const auditHelp = `nexus audit verify [--json]
nexus audit list [--user U] [--action A] [--category C] [--request-id R] [--since TIME] [--limit N] [--json]

verify walks the hash chain from the first record: each record's hash covers the previous hash and its own
fields, so an edited, deleted, inserted or reordered record is caught at that record. Exit 0 with the record
count and the head hash when intact (keep the head elsewhere: a cut-off tail is only caught against it, see
--expect-head); exit 1 naming the first bad record otherwise.
  --expect-head HASH   also fail unless the chain's head is this hash (or still contains it)

list shows records newest first. Categories: ${AUDIT_CATEGORIES.join(', ')}.`;

export async function auditCommand(args: string[], c: CommandEnv): Promise<number> {
  const [sub, ...rest] = args;
  // The log names ids and searches of every clearance: it is for the store's operator (the API: auditors).
  requireOperator(c.ctx, 'audit');
  if (sub === 'verify') return verify(rest, c);
  if (sub === 'list') return list(rest, c);
  throw new NexusError('USAGE_INVALID', 'audit: use "nexus audit verify" or "nexus audit list"');
}

async function verify(args: string[], c: CommandEnv): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { json: { type: 'boolean', default: false }, 'expect-head': { type: 'string' } },
  });
  return withStore(c, async (store) => {
    const expected = values['expect-head'];
    let seen = false;
    const batches = store.scanAudit(c.ctx);
    // Watch for the expected head on the way through: a longer chain that still holds it is fine.
    const watched = (async function* () {
      for await (const batch of batches) {
        if (expected !== undefined && batch.some((r) => r.hash === expected)) seen = true;
        yield batch;
      }
    })();
    const report = await verifyChain(watched);
    if (expected !== undefined && report.ok && !seen && expected !== report.head) {
      report.ok = false;
      report.broken = {
        seq: report.lastSeq + 1,
        reason: `the expected head ${expected} is not in the chain (cut off?)`,
      };
    }
    if (values.json) c.io.stdout(json(report));
    if (report.ok) {
      if (!values.json)
        c.io.stdout(
          `audit chain intact: ${report.records} records, last seq ${report.lastSeq}, head ${report.head}\n`,
        );
      return 0;
    }
    c.io.stderr(
      `nexus: AUDIT_CHAIN_BROKEN: audit chain broken at record ${report.broken?.seq}: ${report.broken?.reason}` +
        ` (${report.records} records before it verify)\n`,
    );
    return 1;
  });
}

async function list(args: string[], c: CommandEnv): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      user: { type: 'string' },
      action: { type: 'string' },
      category: { type: 'string' },
      'request-id': { type: 'string' },
      since: { type: 'string' },
      before: { type: 'string' },
      limit: { type: 'string', default: '50' },
      json: { type: 'boolean', default: false },
    },
  });
  const query: AuditQuery = {};
  if (values.user) query.user = values.user;
  if (values.action) query.action = values.action;
  if (values['request-id']) query.requestId = values['request-id'];
  if (values.category) {
    if (!(AUDIT_CATEGORIES as readonly string[]).includes(values.category))
      throw new NexusError(
        'USAGE_INVALID',
        `audit list: --category is one of ${AUDIT_CATEGORIES.join(', ')}`,
      );
    query.category = values.category as AuditCategory;
  }
  if (values.since) {
    if (Number.isNaN(Date.parse(values.since)))
      throw new NexusError('USAGE_INVALID', 'audit list: --since must be an ISO date-time');
    query.since = new Date(values.since).toISOString();
  }
  const whole = (name: string, text: string | undefined, max: number) => {
    if (text === undefined) return undefined;
    if (!/^\d{1,12}$/.test(text) || Number(text) < 1 || Number(text) > max)
      throw new NexusError('USAGE_INVALID', `audit list: --${name} must be a whole number from 1 to ${max}`);
    return Number(text);
  };
  const before = whole('before', values.before, Number.MAX_SAFE_INTEGER);
  if (before !== undefined) query.before = before;
  query.limit = whole('limit', values.limit, 1000) ?? 50;
  return withStore(c, async (store) => {
    const records = await store.auditLog(c.ctx, query);
    if (values.json) {
      c.io.stdout(json(records));
      return 0;
    }
    for (const r of records) {
      const objects = r.objects.length
        ? ` ${r.objects.slice(0, 5).join(',')}${r.objects.length > 5 ? ',...' : ''}`
        : '';
      c.io.stdout(
        `${String(r.seq).padStart(6)} ${r.at} ${r.user} ${r.action} [${r.category}] ${r.outcome}${objects}` +
          ` purpose=${JSON.stringify(r.purpose)}${r.requestId ? ` request=${r.requestId}` : ''}\n`,
      );
    }
    if (records.length === 0) c.io.stdout('no audit records match\n');
    return 0;
  });
}

export const eraseHelp = `nexus erase ID... --reason TEXT [--json]

Erases the records for good: every statement of each id (a canonical NX- id stands for all its records, whose
merge is undone first), statements elsewhere that refer to them, and their names-index, match-key, suggestion and
judgement rows. The audit log records the ids, counts and reason, never an erased value; give a legal basis or a
request reference as the reason, not the subject's name. Records the acting clearance cannot wholly see are
refused.`;

export async function eraseCommand(args: string[], c: CommandEnv): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { reason: { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  if (positionals.length === 0) throw new NexusError('USAGE_INVALID', 'erase: give at least one entity id');
  if (!values.reason?.trim()) throw new NexusError('USAGE_INVALID', 'erase: --reason is required');
  const reason = values.reason;
  return withStore(c, async (store) => {
    const result = await store.erase(c.ctx, { ids: positionals, reason });
    if (values.json) c.io.stdout(json(result));
    else
      c.io.stdout(
        `erased ${result.records.length} records (${result.records.join(', ')}): ${result.statements} statements, ` +
          `${result.references} references from other records\n`,
      );
    return 0;
  });
}
