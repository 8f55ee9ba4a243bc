// Dependencies point one way (ARCHITECTURE.md): model <- access <- store <- {ingest, resolve, graph} <- serve <- cli.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ALLOWED: Record<string, string[]> = {
  model: [],
  access: ['model'],
  audit: ['model', 'access'],
  store: ['model', 'access', 'audit'],
  ingest: ['model', 'access', 'audit', 'store'],
  resolve: ['model', 'access', 'audit', 'store'],
  graph: ['model', 'access', 'audit', 'store'],
  evidence: ['model', 'access', 'audit', 'store', 'ingest', 'resolve'],
  serve: [
    'model',
    'access',
    'audit',
    'store',
    'ingest',
    'resolve',
    'graph',
    'trace',
    'assess',
    'work',
    'evidence',
  ],
  demo: ['model'],
  indicators: ['model'],
  trace: ['model', 'access', 'audit', 'store', 'graph'],
  assess: ['model', 'access', 'audit', 'store', 'graph', 'trace', 'indicators'],
  work: ['model', 'access', 'audit', 'store', 'ingest', 'resolve', 'graph', 'trace', 'assess', 'indicators'],
  cli: [
    'model',
    'access',
    'audit',
    'store',
    'ingest',
    'resolve',
    'graph',
    'serve',
    'demo',
    'indicators',
    'trace',
    'assess',
    'work',
    'evidence',
  ],
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory()
      ? files(path)
      : path.endsWith('.ts') && !path.endsWith('.test.ts')
        ? [path]
        : [];
  });
}

describe('stage dependencies', () => {
  it('every import between src/ stages follows the allowed direction', () => {
    const stages = readdirSync('src').filter((d) => statSync(join('src', d)).isDirectory());
    for (const stage of stages)
      expect(Object.keys(ALLOWED), `src/${stage} has no rule here`).toContain(stage);
    const violations: string[] = [];
    for (const stage of stages) {
      for (const file of files(join('src', stage))) {
        for (const m of readFileSync(file, 'utf8').matchAll(/from '(\.\.\/[^']+)'/g)) {
          const target = join(file, '..', m[1] as string).split('/')[1];
          if (target && target !== stage && !ALLOWED[stage]?.includes(target))
            violations.push(`${file} -> ${target}`);
        }
      }
    }
    expect(violations).toEqual([]);
  });
});
