// Read-only commands: datasets, stats, search, entity, list, export, digest.
import { createWriteStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { disclosureTerms, withCeiling } from '../../access/index.js';
import {
  describeGrading,
  type Entity,
  formatMarking,
  highestMarking,
  type Marking,
  NexusError,
  parseMarking,
} from '../../model/index.js';
import { type CommandEnv, json, withStore } from '../io.js';
import { exportGraph } from './graph.js';

export async function datasetsCommand(args: string[], c: CommandEnv): Promise<number> {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean', default: false } } });
  return withStore(c, async (store) => {
    const list = await store.datasets(c.ctx);
    const stats = await store.stats(c.ctx);
    const rows = list.map((d) => ({ ...d, ...(stats.datasets[d.name] ?? { entities: 0, statements: 0 }) }));
    if (values.json) c.io.stdout(json(rows));
    else if (rows.length === 0) c.io.stdout('no datasets yet: try `nexus ingest --dataset NAME PATH`\n');
    else
      for (const r of rows)
        c.io.stdout(
          `${r.name.padEnd(28)} ${String(r.entities).padStart(9)} entities ${String(r.statements).padStart(10)} statements  ${r.fictional ? '[FICTIONAL] ' : ''}${r.title}\n`,
        );
    return 0;
  });
}

export async function statsCommand(args: string[], c: CommandEnv): Promise<number> {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean', default: false } } });
  return withStore(c, async (store) => {
    const stats = await store.stats(c.ctx);
    if (values.json) {
      c.io.stdout(json(stats));
      return 0;
    }
    const total = Object.values(stats.entities).reduce((a, b) => a + b, 0);
    c.io.stdout(
      `${total} entities, ${stats.statements} statements, ${Object.keys(stats.datasets).length} datasets\n\nentities by schema:\n`,
    );
    for (const [schema, n] of Object.entries(stats.entities).sort((a, b) => b[1] - a[1]))
      c.io.stdout(`  ${schema.padEnd(20)} ${n}\n`);
    c.io.stdout('\ndatasets:\n');
    for (const [name, d] of Object.entries(stats.datasets))
      c.io.stdout(`  ${name.padEnd(28)} ${d.entities} entities, ${d.statements} statements\n`);
    return 0;
  });
}

export async function searchCommand(args: string[], c: CommandEnv): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      schema: { type: 'string' },
      dataset: { type: 'string' },
      limit: { type: 'string', default: '20' },
      json: { type: 'boolean', default: false },
    },
  });
  const query = positionals.join(' ');
  if (query.trim() === '') throw new NexusError('USAGE_INVALID', 'search: give a QUERY');
  return withStore(c, async (store) => {
    const hits = await store.searchNames(c.ctx, query, {
      schema: values.schema,
      dataset: values.dataset,
      limit: Number(values.limit) || 20,
    });
    if (values.json) c.io.stdout(json(hits));
    else if (hits.length === 0) c.io.stdout(`no matches for "${query}"\n`);
    else
      for (const h of hits)
        c.io.stdout(`${h.score.toFixed(2).padStart(7)}  ${h.schema.padEnd(14)} ${h.caption}  [${h.id}]\n`);
    return 0;
  });
}

function entityJson(entity: Entity) {
  return {
    ...entity.toFtM(),
    schemaConflicts: entity.schemaConflicts,
    statements: entity.statements.map((s) => ({
      id: s.id,
      prop: s.prop,
      value: s.value,
      originalValue: s.originalValue,
      schema: s.schema,
      dataset: s.dataset,
      origin: s.origin,
      firstSeen: s.firstSeen,
      lastSeen: s.lastSeen,
      marking: s.marking,
      grading: s.grading,
    })),
  };
}

export async function entityCommand(args: string[], c: CommandEnv): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { json: { type: 'boolean', default: false } },
  });
  const id = positionals[0];
  if (id === undefined) throw new NexusError('USAGE_INVALID', 'entity: give an entity ID');
  return withStore(c, async (store) => {
    const entity = await store.getEntity(c.ctx, id);
    if (!entity) throw new NexusError('ENTITY_NOT_FOUND', `entity: no entity "${id}"`);
    // A resolved entity is pointed at through any of its member records.
    const members = entity.referents.length > 0 ? entity.referents : [entity.id];
    const refs = (await Promise.all(members.map((m) => store.referencing(c.ctx, m)))).flat();
    if (values.json) {
      c.io.stdout(json({ ...entityJson(entity), referencedBy: refs }));
      return 0;
    }
    const e = entity.toFtM();
    c.io.stdout(
      `${e.caption}  (${e.schema}, ${e.id})\nmarking: ${e.marking}\ndatasets: ${e.datasets.join(', ')}\n`,
    );
    if (entity.schemaConflicts.length > 0)
      c.io.stdout(`schema conflicts: ${entity.schemaConflicts.join(', ')}\n`);
    c.io.stdout('\n');
    for (const st of entity.statements) {
      if (st.prop === 'id') continue;
      const grading = st.grading ? ` ${st.grading} (${describeGrading(st.grading)})` : '';
      c.io.stdout(
        `  ${st.prop.padEnd(18)} ${st.value}\n${' '.repeat(21)}${st.dataset} @ ${st.origin} | ${st.marking}${grading} | seen ${st.firstSeen}..${st.lastSeen}\n`,
      );
    }
    if (refs.length > 0) {
      c.io.stdout('\nreferenced by:\n');
      for (const r of refs) c.io.stdout(`  ${r.schema}.${r.prop}  ${r.entityId}\n`);
    }
    return 0;
  });
}

export async function listCommand(args: string[], c: CommandEnv): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      schema: { type: 'string' },
      dataset: { type: 'string' },
      topic: { type: 'string' },
      country: { type: 'string' },
      limit: { type: 'string', default: '50' },
      after: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  return withStore(c, async (store) => {
    const page = await store.listEntities(
      c.ctx,
      { schema: values.schema, dataset: values.dataset, topic: values.topic, country: values.country },
      { limit: Number(values.limit) || 50, after: values.after },
    );
    if (values.json) c.io.stdout(json({ items: page.items.map((e) => e.toFtM()), next: page.next }));
    else {
      for (const e of page.items) c.io.stdout(`${e.schema.name.padEnd(14)} ${e.caption}  [${e.id}]\n`);
      if (page.next) c.io.stdout(`more: --after ${page.next}\n`);
    }
    return 0;
  });
}

export async function exportCommand(args: string[], c: CommandEnv): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      dataset: { type: 'string' },
      format: { type: 'string', default: 'ftm' },
      output: { type: 'string' },
      ceiling: { type: 'string' },
      recipient: { type: 'string' },
      conditions: { type: 'string' },
    },
  });
  const terms = { ceiling: values.ceiling, recipient: values.recipient, conditions: values.conditions };
  if (values.format === 'graphml' || values.format === 'gexf')
    return exportGraph(c, values.format, values.dataset ? [values.dataset] : undefined, values.output, terms);
  if (values.format !== 'ftm')
    throw new NexusError(
      'USAGE_INVALID',
      `export: format "${values.format}" is not supported; use ftm, graphml or gexf`,
    );
  if (!values.dataset) throw new NexusError('USAGE_INVALID', 'export: --dataset is required for ftm');
  const dataset = values.dataset;
  const ctx = withCeiling(c.ctx, values.ceiling);
  return withStore(c, async (store) => {
    // A first pass finds the highest marking and any C-coded intelligence, so a refusal comes before any output.
    const markings: Marking[] = [];
    let conditional = false;
    for await (const entity of store.exportDataset(ctx, dataset)) {
      markings.push(parseMarking(entity.marking));
      if (entity.conditional) conditional = true;
    }
    const handling = disclosureTerms(conditional, terms, 'export');
    const file = values.output ? createWriteStream(values.output) : undefined;
    const write = (line: string) => (file ? file.write(line) : c.io.stdout(line));
    for await (const entity of store.exportDataset(ctx, dataset))
      write(`${JSON.stringify(entity.toFtM())}\n`);
    if (file) await new Promise<void>((ok) => file.end(ok));
    c.io.stderr(
      `marking: ${formatMarking(highestMarking(markings))}${handling ? `\nhandling: ${handling}` : ''}\n`,
    );
    return 0;
  });
}

export async function digestCommand(_args: string[], c: CommandEnv): Promise<number> {
  return withStore(c, async (store) => {
    c.io.stdout(`${await store.digest(c.ctx)}\n`);
    return 0;
  });
}
