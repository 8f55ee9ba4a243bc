import { describe, expect, it } from 'vitest';
import { localOperator, makeContext, parseGradingFilter, withGrading } from '../access/index.js';
import { NexusError } from '../model/index.js';
import { queueConfig, redactUrl } from './config.js';
import { decodeError, encodeError, JobData, rejectView } from './job-data.js';
import { checkParams } from './job-kinds.js';
import { Requester, requesterOf } from './requester.js';

describe('job parameters', () => {
  it('are checked strictly: unknown fields, __proto__ and bad names are refused with USAGE_INVALID', () => {
    expect(checkParams('xref', { dataset: 'case', threshold: 0.6 })).toEqual({
      dataset: 'case',
      threshold: 0.6,
    });
    for (const bad of [
      { dataset: 'case', extra: 1 },
      JSON.parse('{"dataset":"case","__proto__":{"admin":true}}'),
      { dataset: "case'; drop table statements; --" },
      { dataset: 'case', threshold: 2 },
    ]) {
      const err = (() => {
        try {
          checkParams('xref', bad);
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(NexusError);
      expect((err as NexusError).code).toBe('USAGE_INVALID');
    }
    expect(() => checkParams('ingest', { dataset: 'x', paths: [] })).toThrow(/paths/);
    expect(() => checkParams('graph', { analysis: 'exposure', state: '../ru' })).toThrow(/state/);
  });

  it('refuse job data that is not a Nexus job', () => {
    const good = {
      v: 1,
      kind: 'xref',
      params: { dataset: 'x' },
      requester: requesterOf(localOperator('op', 'test')),
      submitted_at: '2026-01-01T00:00:00.000Z',
    };
    expect(JobData.safeParse(good).success).toBe(true);
    expect(JobData.safeParse({ ...good, kind: 'shell' }).success).toBe(false);
    expect(JobData.safeParse({ ...good, v: 2 }).success).toBe(false);
    expect(JobData.safeParse({ ...good, requester: { ...good.requester, clearance: '' } }).success).toBe(
      false,
    );
  });
});

describe('the requester', () => {
  it('carries user, clearance, caveats, purpose and grading filter, and nothing else', () => {
    const ctx = withGrading(
      makeContext({ user: 'alice', clearance: 'SECRET', caveats: ['uk eyes only'], purpose: 'case 7' }),
      parseGradingFilter('AB'),
    );
    const r = requesterOf(ctx, { name: 'alice', version: 3 });
    expect(r).toEqual({
      user: 'alice',
      clearance: 'SECRET',
      caveats: ['UK EYES ONLY'],
      purpose: 'case 7',
      requestId: null,
      grading: 'AB',
      account: { name: 'alice', version: 3 },
    });
    expect(Requester.safeParse(r).success).toBe(true);
  });
});

describe('job errors', () => {
  it('keep a typed code, clip the message, and hide paths the scrubber names', () => {
    const scrub = (t: string) => t.split('/srv/uploads/job-abc/files/').join('');
    const typed = encodeError(
      new NexusError('SOURCE_UNREADABLE', 'ingest: /srv/uploads/job-abc/files/a.csv'),
      scrub,
    );
    expect(typed).toBe('SOURCE_UNREADABLE: ingest: a.csv');
    expect(decodeError(typed)).toEqual({ code: 'SOURCE_UNREADABLE', message: 'ingest: a.csv' });
    const internal = encodeError(new Error(`boom\r\n${'x'.repeat(2000)}`));
    expect(internal.startsWith('INTERNAL: boom  ')).toBe(true);
    expect(internal.length).toBeLessThan(600);
    expect(decodeError('job stalled more than allowable limit')?.code).toBe('JOB_STALLED');
    expect(decodeError(undefined)).toBeNull();
  });

  it('shows rejects without control characters or upload paths', () => {
    const v = rejectView(
      {
        kind: 'reject',
        file: '/up/job-1/files/a.csv',
        line: 3,
        code: 'VALUE_INVALID',
        reason: 'bad\u001b[31m',
      },
      (t) => t.replace('/up/job-1/files/', ''),
    );
    expect(v).toEqual({ file: 'a.csv', line: 3, code: 'VALUE_INVALID', reason: 'bad [31m' });
  });
});

describe('queue settings', () => {
  it('default to the local Redis and the jobs queue, and never show a password', () => {
    const c = queueConfig({});
    expect([c.url, c.name, c.attempts, c.backoffMs]).toEqual(['redis://127.0.0.1:6379', 'jobs', 5, 5000]);
    expect(redactUrl('redis://user:secret@host:6380/2')).toBe('redis://user:***@host:6380/2');
    expect(() => queueConfig({}, { lockDurationMs: 0 })).toThrow(/lockDurationMs/);
  });
});
