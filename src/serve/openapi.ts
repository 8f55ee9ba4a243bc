// The OpenAPI 3.1 description of every route (GET /openapi.json) and a small self-contained page to try them
// (GET /docs: no CDN, no external script, inline code pinned by hash in the Content-Security-Policy).
import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import { METRICS } from '../graph/index.js';
import type { AppEnv } from './app.js';

type Json = Record<string, unknown>;

const VERSION = '0.1.0';

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });
const param = (name: string): Json => ({ $ref: `#/components/parameters/${name}` });
const str = (description?: string, extra: Json = {}): Json => ({
  type: 'string',
  ...(description ? { description } : {}),
  ...extra,
});
const int = (minimum: number, maximum: number, extra: Json = {}): Json => ({
  type: 'integer',
  minimum,
  maximum,
  ...extra,
});
const arr = (items: Json, extra: Json = {}): Json => ({ type: 'array', items, ...extra });
const obj = (
  properties: Record<string, Json>,
  required: string[] = Object.keys(properties),
  extra: Json = {},
) => ({
  type: 'object',
  properties,
  required,
  ...extra,
});
const stringList = arr({ type: 'string' });

function jsonContent(schema: Json, example?: unknown): Json {
  return { 'application/json': { schema, ...(example !== undefined ? { example } : {}) } };
}

function ok(description: string, schema: Json, example?: unknown): Json {
  return { description, content: jsonContent(schema, example) };
}

/** The shared error responses by status: every error has the body {status, detail, request_id?}. */
function errors(...statuses: number[]): Record<string, Json> {
  return Object.fromEntries(statuses.map((s) => [String(s), { $ref: `#/components/responses/E${s}` }]));
}

function query(name: string, description: string, schema: Json, extra: Json = {}): Json {
  return { name, in: 'query', description, schema, ...extra };
}

/** A list parameter: repeated (`a=x&a=y`) or comma-separated (`a=x,y`). */
function listQuery(name: string, description: string, extra: Json = {}): Json {
  return query(name, `${description} Repeat the parameter or separate values with commas.`, stringList, {
    style: 'form',
    explode: true,
    ...extra,
  });
}

/** A repeatable parameter of the yente-style routes (`topics=a&topics=b`; no commas). */
const repeatQuery = (name: string, description: string): Json =>
  query(name, `${description} Repeat the parameter for more.`, stringList, { style: 'form', explode: true });

const matchParams: Json[] = [
  query('threshold', 'Score from which a result is a match.', {
    type: 'number',
    minimum: 0,
    maximum: 1,
    default: 0.7,
  }),
  query('limit', 'Results per query; above 10 is clamped to 10.', {
    type: 'integer',
    minimum: 1,
    default: 5,
  }),
  query('algorithm', 'Accepted for compatibility; `matcher` names the algorithm used.', str()),
  repeatQuery('topics', 'Only entities with one of these topics.'),
  repeatQuery('include_dataset', 'Also search these datasets.'),
  repeatQuery('exclude_dataset', 'Leave these datasets out.'),
  repeatQuery('exclude_schema', 'Leave these schemata out.'),
  query('changed_since', 'Only entities seen since then (ISO date).', str(undefined, { format: 'date' })),
];

const flag = (name: string, description: string): Json =>
  query(name, `${description} (\`true\`/\`false\`; present without a value is true).`, { type: 'boolean' });

const ERROR_TEXT: Record<number, string> = {
  400: 'A parameter or the body is malformed, or a value is out of range; `detail` says which.',
  401: 'No valid session or token; `WWW-Authenticate: Bearer realm="nexus"`.',
  403: 'Signed in by cookie but the `X-CSRF-Token` header (the `nexus_csrf` cookie value) is missing or wrong.',
  404: 'No such entity, dataset or route; one the caller may not see answers the same.',
  405: 'Wrong method for this path; the `Allow` header names the right one.',
  409: 'The decision contradicts a standing one (e.g. a no-match between records of one merged entity).',
  413: 'The body is larger than allowed; counted while read, so chunked bodies are refused too.',
  415: 'The upload is of a type no reader takes, or its content is not what its type or name says (`code` says which).',
  429: 'A processing cap was reached or the caller runs too many graph operations at once.',
  500: 'Anything unexpected: `{"status": 500, "detail": "internal error", "request_id": "..."}` and nothing more.',
  503: 'The store is unavailable or degraded.',
};

const assessParams: Json[] = [
  query(
    'ceiling',
    'Leave out anything marked above this (e.g. `OFFICIAL`); never widens what the caller sees.',
    str(),
  ),
  query('year', 'Only data up to this year.', str(undefined, { pattern: '^[0-9]{4}$' })),
  query('as_of', 'The date printed on the report (ISO date or date-time); none by default.', str()),
];

const assessEvidence = arr(
  obj(
    {
      ref: str(),
      text: str(),
      marking: ref('Marking'),
      grading: stringList,
      datasets: stringList,
    },
    ['ref', 'text', 'marking', 'grading', 'datasets'],
    { additionalProperties: true },
  ),
);

const graphCommon = [param('GraphDataset'), param('TimeoutMs'), param('MaxNodes')];

const nodeView = obj({ id: str(), caption: str(), schema: str(), marking: ref('Marking') });

const hopEvidence = obj(
  {
    entity: obj(
      {
        id: str(),
        schema: str(),
        caption: str(),
        datasets: stringList,
        marking: ref('Marking'),
        grading: arr(str(), { description: '3x5x2 gradings of its statements.' }),
      },
      undefined,
      { description: 'The record that asserts the tie (an Ownership, a Sanction, ...), when it is one.' },
    ),
    statements: arr(str(), { description: 'Ids of the statements behind the tie.' }),
    shared: obj({ type: str(), value: str() }, undefined, {
      description: 'For ties made by a shared value.',
    }),
  },
  ['statements'],
);

const hop = obj(
  {
    from: ref('GraphNode'),
    to: ref('GraphNode'),
    kind: str('Edge kind: a relationship schema (Ownership, ...), a reference or a shared identifier type.'),
    direction: { enum: ['forward', 'backward', 'undirected'] },
    weight: { type: 'number' },
    date: str(),
    evidence: hopEvidence,
  },
  ['from', 'to', 'kind', 'direction', 'weight', 'evidence'],
);

const graphAnswer = (properties: Record<string, Json>, description: string): Json =>
  obj(
    { marking: ref('Marking'), ...properties, limit: ref('LimitReached') },
    ['marking', ...Object.keys(properties)],
    {
      description,
    },
  );

const loose = (description: string): Json => ({ type: 'object', description, additionalProperties: true });

const schemas: Record<string, Json> = {
  Assessment: obj(
    {
      marking: ref('Marking'),
      year: { type: ['integer', 'null'] },
      as_of: { type: ['string', 'null'] },
      ceiling: { type: ['string', 'null'] },
      fictional: { type: 'boolean', description: 'Parts rest on the generated demo scenario.' },
      judgements: arr(
        obj(
          {
            id: str(),
            area: str(),
            text: str(),
            generated_text: str(),
            status: str(undefined, { enum: ['generated', 'edited', 'signed'] }),
            edited_by: str(),
            edited_at: str(),
            signed_by: str(),
            signed_at: str(),
            probability: { type: 'number', minimum: 0, maximum: 1 },
            yardstick: str('The UK probability yardstick words.'),
            in_gap: { type: 'boolean' },
            confidence: str(undefined, { enum: ['low', 'moderate', 'high'] }),
            marking: ref('Marking'),
            evidence: assessEvidence,
          },
          [
            'id',
            'area',
            'text',
            'generated_text',
            'status',
            'probability',
            'yardstick',
            'in_gap',
            'confidence',
            'marking',
            'evidence',
          ],
        ),
      ),
      areas: arr(
        obj(
          {
            id: str(),
            label: str(),
            entities: { type: 'integer' },
            by_topic: arr(loose('Entities per topic: {value, count}.')),
            by_dataset: arr(loose('Entities per dataset: {value, count}.')),
            series: stringList,
            score: loose('MoRiLE-style score: harm, likelihood, capability, total, band, confidence.'),
            marking: ref('Marking'),
          },
          ['id', 'label', 'score', 'marking'],
        ),
      ),
      states: arr(loose('Evidence per state of concern.')),
      sanctions: arr(loose('Sanctions by programme and year.')),
      series: arr(
        loose('An indicator series with its trend, loaded or counted from the store (ids derived/...).'),
      ),
      investigations: loose(
        'Investigations counted from the store: {definition, schemata, count, as_of_month, items}.',
      ),
      signals: arr(
        obj(
          {
            kind: str('What departs: new-in-area, after-zero or anomaly.'),
            series: str(),
            area: { type: ['string', 'null'] },
            city: { type: ['string', 'null'] },
            country: { type: ['string', 'null'] },
            substance: { type: ['string', 'null'] },
            period: str(),
            value: { type: 'number' },
            unit: str(),
            baseline: loose(
              'What the value departs from: {text, absent, expected, residual, score, threshold, points}.',
            ),
            text: str('The signal as one sentence.'),
            marking: ref('Marking'),
            evidence: assessEvidence,
          },
          ['kind', 'series', 'period', 'value', 'text', 'marking', 'evidence'],
        ),
      ),
      wastewater_trends: arr(
        loose('Per substance: how many cities rise, fall, stay level or are too short to test (UK and all).'),
      ),
      claims: arr(
        obj(
          {
            id: str(),
            claim: str(),
            verdict: str(undefined, { enum: ['agrees', 'disagrees', 'lacks data'] }),
            finding: str(),
            marking: ref('Marking'),
            evidence: assessEvidence,
            table: loose('Rows behind the finding: {columns, rows}.'),
          },
          ['id', 'claim', 'verdict', 'finding', 'marking', 'evidence'],
        ),
      ),
      datasets: arr(loose('A dataset the assessment read.')),
    },
    ['marking', 'year', 'as_of', 'ceiling', 'fictional', 'judgements', 'areas', 'claims', 'datasets'],
  ),
  Error: obj(
    {
      status: { type: 'integer', description: 'The HTTP status again.' },
      detail: str('What was wrong, safe to show; never a stack trace, a path or a query.'),
      request_id: str('Present on 5xx answers: the server log holds the details under this id.'),
      code: str(
        'A typed code on refusals that have one (uploads and jobs: `UPLOAD_TOO_LARGE`, `ARCHIVE_BOMB`, ...).',
      ),
    },
    ['status', 'detail'],
    { additionalProperties: false, example: { status: 404, detail: 'entity not found' } },
  ),
  Marking: str('A security marking: the highest classification of what the answer holds.', {
    examples: ['OFFICIAL', 'OFFICIAL-SENSITIVE', 'SECRET UK EYES ONLY'],
  }),
  LimitReached: obj(
    {
      code: { const: 'LIMIT_REACHED' },
      cap: { enum: ['depth', 'nodes', 'results', 'time'] },
      value: { type: 'number' },
    },
    ['code', 'cap', 'value'],
    { description: 'Present when a cap cut the answer short; the answer holds what was found until then.' },
  ),
  Health: obj({ status: { enum: ['ok', 'degraded'] } }),
  Dataset: obj({
    name: str(),
    title: str(),
    fictional: {
      type: 'boolean',
      description: 'Generated demo data: show it as FICTIONAL wherever it appears.',
    },
    created_at: str(undefined, { format: 'date-time' }),
    updated_at: str(undefined, { format: 'date-time' }),
    entities: {
      type: 'integer',
      description: 'Entities with a statement the caller may see in this dataset.',
    },
    statements: { type: 'integer', description: 'Statements the caller may see in this dataset.' },
    marking: str(
      "The highest marking among the statements the caller may see in this dataset (never above the caller's clearance).",
      { examples: ['OFFICIAL', 'SECRET UK EYES ONLY'] },
    ),
  }),
  Datasets: obj({ datasets: arr(ref('Dataset')) }),
  Stats: obj({
    entities: {
      type: 'object',
      additionalProperties: { type: 'integer' },
      description: 'Visible entities per schema.',
    },
    statements: { type: 'integer' },
    datasets: {
      type: 'object',
      additionalProperties: obj({ entities: { type: 'integer' }, statements: { type: 'integer' } }),
    },
  }),
  ValueProvenance: obj({
    value: str(),
    dataset: str(),
    origin: str('Where it came from: `file:line`, `file#record` or a feed reference.'),
    first_seen: str(),
    last_seen: str(),
    marking: ref('Marking'),
    grading: { type: ['string', 'null'], description: '3x5x2 grading code such as `2BP`, or null.' },
    statement_id: str(),
  }),
  EntityReference: obj({
    id: str('The entity pointing at this one (a source record id; GET /api/entities/{id} resolves it).'),
    schema: str(),
    prop: str('Its property holding the reference (`owner`, `asset`, `entity`, ...).'),
    caption: str(),
  }),
  SanctionSummary: obj({
    id: str(),
    caption: str(),
    program: stringList,
    authority: stringList,
    listing_date: { type: ['string', 'null'], description: 'The earliest listing or start date given.' },
    end_date: { type: ['string', 'null'] },
    reason: stringList,
    datasets: stringList,
  }),
  Entity: obj(
    {
      id: str('The canonical id (`NX-...`) when the entity is a resolved cluster, else the record id.'),
      schema: str(),
      caption: str(),
      referents: arr(str(), { description: 'Member records of a resolved entity that the caller may see.' }),
      marking: ref('Marking'),
      first_seen: str(),
      last_seen: str(),
      datasets: stringList,
      properties: {
        type: 'object',
        additionalProperties: arr(ref('ValueProvenance')),
        description: 'Every visible value of every property, each with its provenance.',
      },
      references: arr(ref('EntityReference'), { maxItems: 500 }),
      references_total: {
        type: 'integer',
        description: 'All references, of which the first 500 are listed.',
      },
      sanctions: arr(ref('SanctionSummary')),
    },
    undefined,
    {
      description:
        'An entity as the caller may see it; `marking` is the highest marking of everything in it.',
    },
  ),
  HighlightPart: obj({ text: str(), match: { type: 'boolean' } }, ['text', 'match'], {
    description: 'A run of the name; render as text (never as HTML), emphasising parts with match=true.',
  }),
  SearchHit: obj({
    id: str(),
    schema: str(),
    caption: str(),
    score: { type: 'number', description: 'Relevance (BM25) of the best matching name; 0 when browsing.' },
    datasets: stringList,
    topics: stringList,
    countries: stringList,
    marking: ref('Marking'),
    highlight: arr(ref('HighlightPart')),
  }),
  FacetCount: obj({ value: str(), count: { type: 'integer' } }),
  DocumentHit: obj({
    id: str(),
    schema: str(),
    caption: str(),
    datasets: stringList,
    marking: ref('Marking'),
    score: { type: 'number', description: 'Relevance (BM25) of the best matching text.' },
    snippet: arr(ref('HighlightPart'), {
      description: 'About 240 characters of the text around the first matched word; render as text.',
    }),
  }),
  DocumentSearchResults: obj({
    total: { type: 'integer', description: 'Visible documents matching, over all pages.' },
    limit: { type: 'integer' },
    offset: { type: 'integer' },
    marking: ref('Marking'),
    hits: arr(ref('DocumentHit')),
  }),
  MentioningDocument: obj({
    id: str(),
    schema: str(),
    caption: str(),
    file_name: { type: ['string', 'null'] },
    datasets: stringList,
    marking: ref('Marking'),
    mentions: arr(
      obj({
        id: str('The Mention record.'),
        name: str('The words as the document has them.'),
        spans: arr(str(), {
          description: '`start-end` offsets in the text (UTF-16 code units, end exclusive).',
        }),
        score: { type: ['number', 'null'], description: "The matcher's score for the entity." },
        snippet: arr(ref('HighlightPart')),
      }),
    ),
  }),
  EntityDocuments: obj({
    entity: obj({ id: str(), schema: str(), caption: str() }),
    marking: ref('Marking'),
    total: { type: 'integer' },
    documents: arr(ref('MentioningDocument'), { maxItems: 200 }),
  }),
  SearchResults: obj({
    total: { type: 'integer', description: 'Visible entities matching, over all pages.' },
    limit: { type: 'integer' },
    offset: { type: 'integer' },
    marking: ref('Marking'),
    hits: arr(ref('SearchHit')),
    facets: obj(
      {
        schema: arr(ref('FacetCount'), { maxItems: 30 }),
        topics: arr(ref('FacetCount'), { maxItems: 30 }),
        countries: arr(ref('FacetCount'), { maxItems: 30 }),
        datasets: arr(ref('FacetCount'), { maxItems: 30 }),
      },
      undefined,
      {
        description: 'Entities per value over every visible match, the top 30 of each, most frequent first.',
      },
    ),
  }),
  TraceAnswer: obj(
    {
      model: str(),
      direction: str(),
      chain: str(),
      asset: str(),
      seeds: arr(obj({ address: str(), amount: str() })),
      missing: stringList,
      reached: arr(
        obj(
          {
            address: str(),
            tainted: str('Decimal in the asset’s units.'),
            received: str(),
            share: { type: 'number' },
            hops: { type: 'integer' },
            stopped_at: { type: 'boolean' },
            labels: arr(obj({ label: str(), category: str(), dataset: str() })),
            entities: arr(obj({ id: str(), caption: str(), schema: str(), wallet: str() })),
            path: arr(obj({ tx: str(), time: str(), from: str(), to: str(), amount: str(), tainted: str() })),
          },
          ['address', 'tainted', 'received', 'share', 'hops', 'labels', 'entities', 'path'],
        ),
      ),
      totals: { type: 'object', additionalProperties: { type: 'string' } },
      limit_reached: { type: 'boolean' },
      limits: arr({ type: 'object' }),
      marking: ref('Marking'),
      stats: { type: 'object' },
    },
    undefined,
  ),
  AuditRecord: obj({
    seq: { type: 'integer' },
    at: str('UTC time.', { format: 'date-time' }),
    user: str(),
    action: str('Dotted action, e.g. `entity.read`.'),
    category: str('DPA 2018 s.62 category (or authentication, administration).'),
    objects: stringList,
    purpose: str(),
    requestId: { type: ['string', 'null'] },
    outcome: str('`ok`, or the refusal status.'),
    detail: { type: 'object' },
    prevHash: str(),
    hash: str(),
  }),
  Suggestion: obj({
    a: str('Record id: send it back as `a` to POST /api/xref/judge.'),
    b: str('Record id: send it back as `b`.'),
    score: { type: 'number' },
    explanation: str(),
    skip: { type: 'integer', description: 'The position of this suggestion among the undecided ones.' },
    marking: ref('Marking'),
    records: arr(ref('Entity'), { minItems: 2, maxItems: 2, description: 'The two records, a then b.' }),
  }),
  JudgeRequest: obj(
    {
      a: str(undefined, { maxLength: 200 }),
      b: str(undefined, { maxLength: 200 }),
      judgement: { enum: ['match', 'no-match', 'unsure'] },
      reason: str(undefined, { maxLength: 2000 }),
    },
    ['a', 'b', 'judgement'],
    { additionalProperties: false },
  ),
  JudgeResult: obj({
    a: str(),
    b: str(),
    judgement: { enum: ['match', 'no-match', 'unsure'] },
    canonical: {
      type: ['string', 'null'],
      description: 'The canonical id (`NX-...`) the two now share after a match; null otherwise.',
    },
  }),
  MatchQuery: obj(
    {
      id: str(),
      schema: str('An FtM schema, e.g. Person, Company, LegalEntity, Vessel.'),
      properties: {
        type: 'object',
        additionalProperties: arr({ type: ['string', 'number'] }),
        description: 'FtM property -> values, e.g. {"name": ["..."], "birthDate": ["1979-03-02"]}.',
      },
    },
    ['schema', 'properties'],
  ),
  MatchRequest: obj(
    {
      queries: {
        type: 'object',
        additionalProperties: ref('MatchQuery'),
        maxProperties: 100,
      },
      weights: { description: 'Accepted for yente compatibility; ignored.' },
      config: { description: 'Accepted for yente compatibility; ignored.' },
    },
    ['queries'],
  ),
  MatchResult: obj(
    {
      id: str(),
      caption: str(),
      schema: str(),
      properties: { type: 'object', additionalProperties: stringList },
      datasets: stringList,
      referents: stringList,
      target: { type: 'boolean' },
      first_seen: str(),
      last_seen: str(),
      last_change: str(),
      score: { type: 'number' },
      features: { type: 'object', additionalProperties: { type: 'number' } },
      match: { type: 'boolean' },
      explanation: arr(str(), { description: 'Nexus addition: why the score is what it is, in words.' }),
    },
    ['id', 'caption', 'schema', 'properties', 'datasets', 'score', 'features', 'match'],
  ),
  Matcher: obj({
    name: str(),
    description: str(),
    features: {
      type: 'object',
      additionalProperties: obj({ description: str(), coefficient: { type: 'number' } }),
    },
  }),
  MatchResponse: obj({
    responses: {
      type: 'object',
      additionalProperties: obj(
        {
          status: { type: 'integer' },
          error: str('Present when this query was refused (status 400).'),
          results: arr(ref('MatchResult')),
          total: obj({ value: { type: 'integer' }, relation: { enum: ['eq', 'gte'] } }),
          query: ref('MatchQuery'),
        },
        ['status', 'results', 'total', 'query'],
      ),
    },
    matcher: ref('Matcher'),
    limit: { type: 'integer' },
  }),
  EntityMatch: obj({
    entity: obj({ id: str(), schema: str(), caption: str() }),
    dataset: str(),
    marking: ref('Marking'),
    results: arr(ref('MatchResult')),
    total: obj({ value: { type: 'integer' }, relation: { enum: ['eq', 'gte'] } }),
    matcher: ref('Matcher'),
    limit: { type: 'integer' },
  }),
  GraphNode: nodeView,
  GraphHop: hop,
  GraphPaths: graphAnswer(
    {
      from: arr(ref('GraphNode')),
      to: arr(ref('GraphNode')),
      paths: arr(obj({ cost: { type: 'number' }, hops: arr(ref('GraphHop')) })),
    },
    'Paths between the sets, each hop with the evidence behind it.',
  ),
  GraphExpand: graphAnswer(
    {
      nodes: arr(
        obj({
          id: str(),
          caption: str(),
          schema: str(),
          marking: ref('Marking'),
          depth: { type: 'integer' },
        }),
      ),
      edges: arr(
        obj({
          source: str(),
          target: str(),
          kind: str(),
          directed: { type: 'boolean' },
          weight: { type: 'number' },
          evidence: { type: ['string', 'null'], description: 'Id of the record behind the edge.' },
        }),
      ),
    },
    'The ego network around the given entities.',
  ),
  GraphExposure: graphAnswer(
    {
      state: str(),
      seeds: { type: 'integer', description: 'How many seeds the state rules (or `from`) gave.' },
      entities: arr(
        obj({
          id: str(),
          caption: str(),
          schema: str(),
          marking: ref('Marking'),
          score: { type: 'number' },
          hops: { type: 'integer' },
          seed: { type: 'boolean' },
          proxy: { type: 'boolean' },
          reasons: arr(
            obj({
              rule: { enum: ['sanction', 'topic', 'cyber', 'group', 'owned', 'chosen'] },
              text: str(),
              evidence: str('The record behind the reason.'),
            }),
          ),
          topics: stringList,
          path: arr(ref('GraphHop')),
        }),
      ),
    },
    'Exposure to a hostile state, with the path that explains each score.',
  ),
  GraphCentrality: obj(
    {
      marking: ref('Marking'),
      metric: { enum: [...METRICS] },
      exact: { type: 'boolean' },
      samples: { type: 'integer', description: 'Sources sampled (betweenness, brokers).' },
      errorBound: { type: ['number', 'null'] },
      scores: arr(
        obj(
          {
            id: str(),
            caption: str(),
            schema: str(),
            marking: ref('Marking'),
            score: { type: 'number' },
            roles: arr(str(), { description: 'For brokers: the enabler roles that raised the score.' }),
          },
          ['id', 'caption', 'schema', 'marking', 'score'],
        ),
      ),
      limit: ref('LimitReached'),
    },
    ['marking', 'metric', 'exact', 'scores'],
    { description: 'Entities ranked by the metric.' },
  ),
  GraphCommunities: graphAnswer(
    {
      modularity: { type: 'number' },
      levels: { type: 'integer' },
      components: { type: 'integer' },
      communities: arr(
        obj({
          id: str(),
          size: { type: 'integer' },
          members: stringList,
          topics: { type: 'object', additionalProperties: { type: 'integer' } },
          leaders: arr(
            obj({
              id: str(),
              caption: str(),
              schema: str(),
              marking: ref('Marking'),
              ties: { type: 'number' },
            }),
          ),
          brokers: arr(
            obj({
              id: str(),
              caption: str(),
              schema: str(),
              marking: ref('Marking'),
              external: { type: 'number' },
            }),
          ),
        }),
      ),
    },
    'Louvain communities.',
  ),
  GraphCampaigns: graphAnswer(
    {
      campaigns: arr(
        obj(
          {
            id: str(),
            members: arr(ref('GraphNode')),
            shared: arr(obj({ type: str(), value: str(), holders: { type: 'integer' } })),
            schemata: { type: 'object', additionalProperties: { type: 'integer' } },
            firstDate: str(),
            lastDate: str(),
          },
          ['id', 'members', 'shared', 'schemata'],
        ),
      ),
    },
    'Entities and reports sharing phones, e-mails, accounts, sites or wallets.',
  ),
  User: obj(
    {
      name: str(),
      role: str(),
      permissions: arr(str(), {
        description: "What the role may do under the server's policy (docs/access.md), e.g. `xref.judge`.",
      }),
      clearance: ref('Marking'),
      caveats: stringList,
    },
    undefined,
    { description: 'The signed-in user; never a password or its hash.' },
  ),
  LoginRequest: obj(
    {
      username: str(undefined, { maxLength: 64 }),
      password: str(undefined, { maxLength: 1024 }),
      otp: str(
        'The current one-time code (TOTP, 6 digits) of a user with a second factor (`nexus user totp NAME`); ' +
          'missing or wrong, the login fails as a wrong password does.',
        { maxLength: 16 },
      ),
    },
    ['username', 'password'],
    { additionalProperties: false },
  ),
  ProgressEvent: obj(
    {
      type: { enum: ['start', 'progress', 'done'] },
      dataset: str(),
      records: { type: 'integer' },
      entities: { type: 'integer' },
      statements: { type: 'integer' },
      rejected: { type: 'integer' },
      bytes: { type: 'integer', description: 'Source bytes read so far.' },
      totalBytes: { type: 'integer' },
      elapsedMs: { type: 'integer' },
      recordsPerSec: { type: 'integer' },
      entitiesPerSec: { type: 'integer' },
      statementsPerSec: { type: 'integer' },
      etaSeconds: {
        type: ['integer', 'null'],
        description: 'Seconds left, from bytes read; null until known.',
      },
    },
    undefined,
    { description: 'One ingest progress event, as `nexus ingest --progress json` prints them.' },
  ),
  IngestSummary: obj({
    dataset: str(),
    format: str(),
    accepted: { type: 'integer' },
    rejected: { type: 'integer' },
    duplicates: { type: 'integer' },
    entities: { type: 'integer' },
    statements: { type: 'integer' },
    invalidValues: { type: 'integer' },
    resumedFrom: { type: 'integer' },
    elapsedMs: { type: 'integer' },
  }),
  Job: obj(
    {
      id: str(),
      kind: { const: 'ingest' },
      user: str(),
      dataset: str(),
      state: { enum: ['queued', 'running', 'done', 'failed', 'cancelled'] },
      cancel_requested: { type: 'boolean' },
      created_at: str(undefined, { format: 'date-time' }),
      started_at: { type: ['string', 'null'], format: 'date-time' },
      finished_at: { type: ['string', 'null'], format: 'date-time' },
      params: obj({
        file: str('The file name given, or `upload`.'),
        bytes: { type: 'integer', description: 'Bytes uploaded.' },
        type: {
          enum: ['json', 'xml', 'text', 'zip', 'gzip'],
          description: 'The content type found by sniffing.',
        },
        format: str('The reader used (`ftm`, `ofac`, `un`, `stix`, ...).'),
        marking: ref('Marking'),
        grading: { type: ['string', 'null'] },
      }),
      progress: { anyOf: [ref('ProgressEvent'), { type: 'null' }], type: ['object', 'null'] },
      summary: { anyOf: [ref('IngestSummary'), { type: 'null' }], type: ['object', 'null'] },
      rejects: arr(
        obj(
          {
            file: str(),
            line: { type: 'integer' },
            record: str(),
            field: str(),
            code: str(),
            reason: str(),
          },
          ['file', 'code', 'reason'],
        ),
        { maxItems: 100, description: 'The first rejected records or values; the summary counts all.' },
      ),
      error: {
        type: ['object', 'null'],
        properties: { code: str(), message: str() },
        required: ['code', 'message'],
        description:
          'Why the job failed: `JOB_AUTHORITY_CHANGED`, `JOB_SESSION_ENDED` (R17), a reader code such as ' +
          '`FORMAT_MISMATCH`, or `INTERNAL`.',
      },
    },
    undefined,
    { description: 'A background job of this server; only its owner sees it.' },
  ),
  Jobs: obj({ jobs: arr(ref('Job')) }),
  LoginResponse: obj({
    token: str('Send as `Authorization: Bearer <token>`; a `nexus_session` cookie is set as well.'),
    user: ref('User'),
    expires_at: str(undefined, { format: 'date-time' }),
  }),
};

const parameters: Record<string, Json> = {
  EntityId: {
    name: 'id',
    in: 'path',
    required: true,
    description:
      'An entity id: a record id or a canonical `NX-...` id. Letters, digits and `._:@+=~-`, at most 200 characters.',
    schema: str(undefined, { maxLength: 200, pattern: '^[A-Za-z0-9][A-Za-z0-9._:@+=~-]{0,199}$' }),
  },
  GraphDataset: listQuery('dataset', 'Only these datasets.'),
  TimeoutMs: query('timeout_ms', 'Give up after this long.', int(1, 60_000, { default: 30_000 })),
  MaxNodes: query('max_nodes', 'Cap on the nodes visited.', int(1, 5_000_000)),
  JobId: {
    name: 'id',
    in: 'path',
    required: true,
    description: 'A job id, as `POST /api/ingest` answered it.',
    schema: str(undefined, { maxLength: 64, pattern: '^[A-Za-z0-9-]{1,64}$' }),
  },
  Direction: query('direction', 'Follow edges in their direction, against it, or both.', {
    enum: ['both', 'out', 'in'],
    default: 'both',
  }),
  Grading: query(
    'grading',
    'Only statements whose 3x5x2 grading passes this filter (docs/grading.md): source evaluations 1-3 and/or ' +
      'intelligence assessments A-E (`AB`: A or B; `1AB`: source 1 and A or B; `12`), with `+ungraded` to let ' +
      'ungraded statements through too (`AB+ungraded`), or `ungraded` alone. Legacy 5x5x5 codes never pass. ' +
      'Blank: no filter; anything else is a 400.',
    // No example: the /docs page fills examples in, and a filter should be asked for, not sent by default.
    str(undefined, { maxLength: 40 }),
  ),
};

const responses: Record<string, Json> = Object.fromEntries(
  Object.entries(ERROR_TEXT).map(([status, description]) => [
    `E${status}`,
    { description, content: jsonContent(ref('Error')) },
  ]),
);

const graphOp = (
  name: string,
  summary: string,
  schema: string,
  extra: Json[],
  statuses: number[] = [400, 429, 500, 503],
): Json => ({
  get: {
    tags: ['graph'],
    operationId: `graph${name}`,
    summary,
    parameters: [...extra, ...graphCommon],
    responses: { '200': ok('The answer.', ref(schema)), ...errors(...statuses) },
  },
});

const paths: Record<string, Json> = {
  '/health': {
    get: {
      tags: ['system'],
      operationId: 'health',
      summary: 'Is the store writing?',
      security: [],
      responses: {
        '200': ok('Healthy.', ref('Health'), { status: 'ok' }),
        '503': ok('The store stopped writing after a storage failure.', ref('Health'), {
          status: 'degraded',
        }),
      },
    },
  },
  '/openapi.json': {
    get: {
      tags: ['system'],
      operationId: 'openapi',
      summary: 'This document.',
      security: [],
      responses: { '200': ok('OpenAPI 3.1.', { type: 'object' }) },
    },
  },
  '/docs': {
    get: {
      tags: ['system'],
      operationId: 'docs',
      summary: 'Interactive documentation: a page that lists these operations and sends requests.',
      security: [],
      responses: { '200': { description: 'HTML.', content: { 'text/html': { schema: str() } } } },
    },
  },
  '/auth/login': {
    post: {
      tags: ['auth'],
      operationId: 'login',
      summary:
        'Sign in with a user name, password and (when TOTP is on) one-time code; answers a bearer token and sets ' +
        'the session cookie.',
      security: [],
      requestBody: {
        required: true,
        content: jsonContent(ref('LoginRequest'), { username: 'analyst', password: '...' }),
      },
      responses: {
        '200': {
          ...ok('Signed in.', ref('LoginResponse')),
          headers: {
            'Set-Cookie': {
              description: '`nexus_session=...; HttpOnly; SameSite=Strict; Path=/`',
              schema: str(),
            },
          },
        },
        ...errors(400, 401, 413, 429, 500, 503),
      },
    },
  },
  '/auth/logout': {
    post: {
      tags: ['auth'],
      operationId: 'logout',
      summary: 'End the current session or revoke the bearer token used.',
      responses: {
        '200': ok(
          'Signed out; the session is revoked and its cookies cleared.',
          obj({ status: { const: 'logged out' } }),
        ),
        ...errors(500),
      },
    },
  },
  '/auth/me': {
    get: {
      tags: ['auth'],
      operationId: 'me',
      summary: 'Who the request acts as.',
      responses: {
        '200': ok(
          'The user and when the session ends (null: never, for an API token).',
          obj({ user: ref('User'), expires_at: { type: ['string', 'null'], format: 'date-time' } }),
        ),
        ...errors(500),
      },
    },
  },
  '/match/{dataset}': {
    post: {
      tags: ['screening'],
      operationId: 'match',
      summary: 'yente-compatible screening of example entities against a dataset (or `default`: all).',
      parameters: [
        {
          name: 'dataset',
          in: 'path',
          required: true,
          description: 'A dataset name, or `default` for all of them.',
          schema: str(undefined, { default: 'default' }),
          example: 'default',
        },
        ...matchParams,
      ],
      requestBody: {
        required: true,
        content: jsonContent(ref('MatchRequest'), {
          queries: {
            q1: { schema: 'Person', properties: { name: ['Ruslan Belov'], birthDate: ['1979-03-02'] } },
          },
        }),
      },
      responses: {
        '200': ok('One response per query, in the yente shape.', ref('MatchResponse')),
        ...errors(400, 404, 405, 413, 429, 500, 503),
      },
    },
  },
  '/graph/paths': graphOp('Paths', 'Paths between entities, with the evidence of every hop.', 'GraphPaths', [
    listQuery('from', 'Start entity ids (one, or a set).', { required: true }),
    listQuery('to', 'End entity ids (one, or a set).', { required: true }),
    query('k', 'How many paths.', int(1, 50)),
    flag('all', 'Every path up to max_hops instead of the k shortest'),
    flag('time_ordered', 'Only paths whose dated hops go forward in time'),
    flag('weighted', 'Cheapest by tie strength instead of fewest hops'),
    param('Direction'),
    query('max_hops', 'Longest path.', int(1, 10)),
    query('max_results', 'Cap on paths returned.', int(1, 1000, { default: 200 })),
  ]),
  '/graph/expand': graphOp(
    'Expand',
    'The ego network of one or more entities.',
    'GraphExpand',
    [
      listQuery('id', 'Entity ids.', { required: true }),
      query('depth', 'Hops out.', int(0, 4)),
      param('Direction'),
    ],
    [400, 404, 429, 500, 503],
  ),
  '/graph/exposure': graphOp(
    'Exposure',
    'Exposure to a hostile state, with explaining paths.',
    'GraphExposure',
    [
      query('state', 'A state with seed rules, or give `from`.', { enum: ['ru', 'cn', 'kp', 'ir'] }),
      listQuery('from', 'Chosen seed entity ids.'),
      flag('proxies', 'Only proxy candidates'),
      flag('seeds', 'Include the seeds themselves (default true)'),
      query('limit', 'Entities returned.', int(1, 1000, { default: 50 })),
      query('max_hops', 'How far exposure travels.', int(1, 8, { default: 4 })),
    ],
  ),
  '/graph/centrality': graphOp('Centrality', 'Entities ranked by a centrality metric.', 'GraphCentrality', [
    query('metric', 'The metric.', { enum: [...METRICS], default: 'pagerank' }),
    query('samples', 'Source samples for approximate betweenness.', int(1, 100_000)),
    query('limit', 'Entities returned.', int(1, 100_000, { default: 100 })),
  ]),
  '/graph/communities': graphOp('Communities', 'Louvain communities.', 'GraphCommunities', [
    query('seed', 'Random seed, for a repeatable answer.', int(0, 2 ** 31)),
  ]),
  '/graph/campaigns': graphOp(
    'Campaigns',
    'Groups sharing identifiers (phones, e-mails, accounts, sites, wallets).',
    'GraphCampaigns',
    [],
  ),
  '/trace': {
    get: {
      tags: ['crypto'],
      operationId: 'trace',
      summary:
        'Follow crypto funds forward from seeds or backward from targets under a taint model, with the transactions ' +
        'behind every address reached, its labels and the entities holding it.',
      parameters: [
        listQuery(
          'from',
          'Addresses, or seed sets: `label:CATEGORY`, `family:NAME`, `sanctioned`, `state:ru|cn|kp|ir`.',
          {
            required: true,
          },
        ),
        query('model', 'Taint model.', { enum: ['poison', 'haircut', 'fifo'], default: 'haircut' }),
        query('direction', 'Forward from seeds or backward from targets.', {
          enum: ['forward', 'backward'],
          default: 'forward',
        }),
        listQuery('dataset', 'Only these datasets.'),
        query('chain', 'The chain, when the seeds appear on several.', str()),
        query('asset', 'The asset, when the seeds appear in several.', str()),
        query('max_hops', 'Hops from the seeds, at most.', int(1, 50, { default: 10 })),
        query('max_addresses', 'Addresses reached, at most.', int(1, 5_000_000)),
        query('timeout_ms', 'Time budget.', int(1, 60_000, { default: 30_000 })),
        query('since', 'Leave out transactions before (Unix seconds or ISO date-time).', str()),
        query('until', 'Leave out transactions after.', str()),
        query('stop', 'Stop at exchanges, mixers, bridges and gambling services (labels).', {
          enum: ['true', 'false'],
          default: 'true',
        }),
      ],
      responses: { '200': ok('The trace.', ref('TraceAnswer')), ...errors(400, 404, 429, 500, 503) },
    },
  },
  '/trace/exposure': {
    get: {
      tags: ['crypto'],
      operationId: 'traceExposure',
      summary: 'How much of what an address received traces back to each seed set, in value and share.',
      parameters: [
        query('address', 'The address.', str(), { required: true }),
        query('model', 'Taint model.', { enum: ['poison', 'haircut', 'fifo'], default: 'haircut' }),
        listQuery('dataset', 'Only these datasets.'),
        query('chain', 'The chain, when the address appears on several.', str()),
        query('asset', 'The asset, when the address appears in several.', str()),
        query('max_hops', 'Hops back, at most.', int(1, 50, { default: 10 })),
        query('timeout_ms', 'Time budget.', int(1, 60_000, { default: 30_000 })),
        query('stop', 'Stop at services (labels).', { enum: ['true', 'false'], default: 'true' }),
      ],
      responses: {
        '200': ok(
          'Exposure per seed set.',
          obj({
            address: str(),
            chain: str(),
            asset: str(),
            model: str(),
            received: str('Decimal in the asset’s units.'),
            sets: arr(
              obj({
                set: str(),
                value: str(),
                share: { type: 'number' },
                addresses: arr(obj({ address: str(), value: str(), hops: { type: 'integer' } })),
              }),
            ),
            limit_reached: { type: 'boolean' },
            marking: ref('Marking'),
          }),
        ),
        ...errors(400, 404, 429, 500, 503),
      },
    },
  },
  '/assess': {
    get: {
      tags: ['assessment'],
      operationId: 'assess',
      summary:
        'The strategic assessment from what the caller may see, as data (the same as `nexus assess --json`): key ' +
        'judgements with probability, confidence and evidence, priorities per threat area, claims tested.',
      parameters: assessParams,
      responses: {
        '200': {
          description: 'The assessment; X-Nexus-Marking names the highest marking of anything included.',
          headers: { 'X-Nexus-Marking': { description: 'The highest marking inside.', schema: str() } },
          content: jsonContent(ref('Assessment')),
        },
        ...errors(400, 429, 500, 503),
      },
    },
  },
  '/assess/report': {
    get: {
      tags: ['assessment'],
      operationId: 'assessReport',
      summary:
        'The assessment as one self-contained HTML page (inline CSS and SVG, no script), marked at the top and ' +
        'bottom; with handling-code C evidence only given a recipient and conditions (400 ' +
        'HANDLING_CONDITIONS_REQUIRED otherwise).',
      parameters: [
        ...assessParams,
        query('recipient', 'Who receives the report: required with handling-code C evidence.', str()),
        query('conditions', 'The conditions of disclosure: required with handling-code C evidence.', str()),
      ],
      responses: {
        '200': {
          description:
            'The report. Its Content-Security-Policy allows only its own inline style sheet (by hash) and no script.',
          headers: { 'X-Nexus-Marking': { description: 'The highest marking inside.', schema: str() } },
          content: { 'text/html': { schema: str() } },
        },
        ...errors(400, 429, 500, 503),
      },
    },
  },
  '/graph/export': {
    get: {
      tags: ['graph'],
      operationId: 'graphExport',
      summary:
        'The visible graph as GraphML or GEXF, with PageRank and community on each node; the file is streamed in pieces.',
      parameters: [
        query('format', 'File format.', { enum: ['graphml', 'gexf'], default: 'graphml' }),
        query(
          'ceiling',
          'Export nothing marked above this (e.g. `OFFICIAL`); the file carries the highest marking inside.',
          str(),
        ),
        query(
          'recipient',
          'Who receives the file: required when it holds handling-code C intelligence.',
          str(),
        ),
        query(
          'conditions',
          'The conditions of disclosure: required with handling-code C intelligence.',
          str(),
        ),
        ...graphCommon,
      ],
      responses: {
        '200': {
          description: 'The file.',
          headers: { 'X-Nexus-Marking': { description: 'The highest marking inside.', schema: str() } },
          content: {
            'application/graphml+xml': { schema: str() },
            'application/gexf+xml': { schema: str() },
          },
        },
        ...errors(400, 429, 500, 503),
      },
    },
  },
  '/api/datasets': {
    get: {
      tags: ['entities'],
      operationId: 'datasets',
      summary:
        'Datasets the caller can see something of, with visible counts, the highest visible marking and the fictional flag.',
      responses: { '200': ok('The datasets.', ref('Datasets')), ...errors(500, 503) },
    },
  },
  '/api/stats': {
    get: {
      tags: ['entities'],
      operationId: 'stats',
      summary: 'Visible entities per schema, statements, and per-dataset counts.',
      responses: { '200': ok('The counts.', ref('Stats')), ...errors(500, 503) },
    },
  },
  '/api/search': {
    get: {
      tags: ['entities'],
      operationId: 'search',
      summary: 'Faceted search: names and filters; counts over every visible match.',
      description:
        'Values of one filter are alternatives; different filters combine. Without `q` it browses by the filters.',
      parameters: [
        query(
          'q',
          'Name words: prefix, case- and accent-insensitive, all required.',
          str(undefined, { maxLength: 200 }),
        ),
        query('schema', 'A schema and its descendants (`LegalEntity` finds people and companies).', str()),
        listQuery('dataset', 'Only entities with visible statements in one of these datasets.'),
        listQuery('topic', 'Only entities with one of these topics (`sanction`, `role.pep`, ...).'),
        listQuery('country', 'Only entities with one of these countries (ISO codes, any property).'),
        query('limit', 'Hits per page.', int(1, 100, { default: 20 })),
        query('offset', 'Hits to skip.', int(0, 10_000, { default: 0 })),
      ],
      responses: {
        '200': ok('A page of hits, the total and the facets.', ref('SearchResults')),
        ...errors(400, 500, 503),
      },
    },
  },
  '/api/datasets/{name}/export': {
    get: {
      tags: ['entities'],
      operationId: 'exportDataset',
      summary:
        'A dataset as FtM JSON lines, with what the caller may see under an optional ceiling; intelligence with ' +
        'handling code C only with a recipient and conditions (400 HANDLING_CONDITIONS_REQUIRED otherwise).',
      parameters: [
        { name: 'name', in: 'path', required: true, description: 'The dataset.', schema: str() },
        query('format', 'Only ftm.', { enum: ['ftm'], default: 'ftm' }),
        query('ceiling', 'Export nothing marked above this (e.g. `OFFICIAL`).', str()),
        query('recipient', 'Who receives it: required with handling-code C intelligence.', str()),
        query(
          'conditions',
          'The conditions of disclosure: required with handling-code C intelligence.',
          str(),
        ),
      ],
      responses: {
        '200': {
          description:
            'One FtM entity per line. X-Nexus-Marking names the highest marking inside, X-Nexus-Handling the ' +
            'disclosure terms when C-coded intelligence is included.',
          content: { 'application/x-ndjson': { schema: str() } },
        },
        ...errors(400, 404, 500, 503),
      },
    },
  },
  '/api/entities/{id}': {
    get: {
      tags: ['entities'],
      operationId: 'entity',
      summary: 'An entity with the provenance of every value, what references it and its sanctions.',
      parameters: [param('EntityId')],
      responses: { '200': ok('The entity.', ref('Entity')), ...errors(400, 404, 500, 503) },
    },
    delete: {
      tags: ['entities'],
      operationId: 'eraseEntity',
      summary:
        'Erase the records of an entity for good (the erase permission): its statements, references to it and ' +
        'its index rows. Refused (403) when the caller cannot see all of them. The audit record names ids and ' +
        'counts, never an erased value.',
      parameters: [param('EntityId')],
      requestBody: {
        required: true,
        content: jsonContent(obj({ reason: str('A legal basis or request reference, 1-500 characters.') }), {
          reason: 'SAR-2026-114',
        }),
      },
      responses: {
        '200': ok(
          'Erased.',
          obj({ erased: stringList, statements: { type: 'integer' }, references: { type: 'integer' } }),
        ),
        ...errors(400, 404, 413, 500, 503),
      },
    },
  },
  '/api/audit': {
    get: {
      tags: ['audit'],
      operationId: 'auditLog',
      summary: 'Audit records, newest first (auditor role only; this read is itself recorded).',
      parameters: [
        query('user', 'Only this user.', str()),
        query('action', 'Only this action, e.g. `entity.read`.', str()),
        query('category', 'Only this DPA 2018 s.62 category.', {
          enum: [
            'collection',
            'alteration',
            'consultation',
            'disclosure',
            'combination',
            'erasure',
            'authentication',
            'administration',
          ],
        }),
        query('request_id', 'Only records of this request.', str()),
        query('since', 'Only records at or after this UTC time.', str(undefined, { format: 'date-time' })),
        query('before', 'Only records with a lower seq (the next page).', int(1, Number.MAX_SAFE_INTEGER)),
        query('limit', 'At most this many.', int(1, 1000, { default: 100 })),
      ],
      responses: {
        '200': ok(
          'A page of records.',
          obj({ records: arr(ref('AuditRecord')), next_before: { type: ['integer', 'null'] } }),
        ),
        ...errors(400, 500, 503),
      },
    },
  },
  '/api/audit/verify': {
    get: {
      tags: ['audit'],
      operationId: 'auditVerify',
      summary: 'Walk the audit hash chain; names the first record that does not fit (auditor role only).',
      responses: {
        '200': ok(
          'The chain report.',
          obj(
            {
              ok: { type: 'boolean' },
              records: { type: 'integer' },
              head: str('Hash of the last good record.'),
              lastSeq: { type: 'integer' },
              broken: obj({ seq: { type: 'integer' }, reason: str() }),
            },
            ['ok', 'records', 'head', 'lastSeq'],
          ),
        ),
        ...errors(500, 503),
      },
    },
  },
  '/api/entities/{id}/match': {
    get: {
      tags: ['screening'],
      operationId: 'entityMatch',
      summary: 'Screen this entity against the lists (the entity itself and its records are left out).',
      parameters: [
        param('EntityId'),
        query('dataset', 'A dataset name, or `default` for all.', str(undefined, { default: 'default' })),
        ...matchParams,
      ],
      responses: { '200': ok('Scored candidates.', ref('EntityMatch')), ...errors(400, 404, 500, 503) },
    },
  },
  '/api/entities/{id}/documents': {
    get: {
      tags: ['entities'],
      operationId: 'entityDocuments',
      summary:
        'The documents that mention this entity (FtM Mention records), each with where and how it is named.',
      parameters: [param('EntityId')],
      responses: {
        '200': ok('The mentioning documents.', ref('EntityDocuments')),
        ...errors(400, 404, 500, 503),
      },
    },
  },
  '/api/documents/search': {
    get: {
      tags: ['entities'],
      operationId: 'documentSearch',
      summary:
        'Search the text of documents (PDF text, email bodies, OCR, ...), with a snippet of each match.',
      parameters: [
        query(
          'q',
          'Words: prefix, case- and accent-insensitive, all required.',
          str(undefined, { maxLength: 200 }),
        ),
        listQuery('dataset', 'Only text from one of these datasets.'),
        query('limit', 'Hits per page.', int(1, 100, { default: 20 })),
        query('offset', 'Hits to skip.', int(0, 10_000, { default: 0 })),
      ],
      responses: {
        '200': ok('A page of documents with snippets, and the total.', ref('DocumentSearchResults')),
        ...errors(400, 500, 503),
      },
    },
  },
  '/api/xref/next': {
    get: {
      tags: ['review'],
      operationId: 'xrefNext',
      summary: 'The best undecided match suggestion, both records side by side.',
      parameters: [
        query('skip', 'Pass over this many undecided suggestions.', int(0, 10_000, { default: 0 })),
      ],
      responses: {
        '200': ok('The suggestion.', ref('Suggestion')),
        '204': { description: 'Nothing left to review.' },
        ...errors(400, 500, 503),
      },
    },
  },
  '/api/ingest': {
    post: {
      tags: ['entities'],
      operationId: 'ingestUpload',
      summary: 'Upload a file (the raw body) to ingest as a background job; answers the queued job.',
      description:
        'The body is the file itself: FtM JSON lines, STIX JSON, UN XML, OFAC or network CSV, a ZIP of them or ' +
        'gzip. Limits are checked before anything is ingested: size while streaming (default 256 MB, chunked ' +
        'bodies too), type by content, and for archives the entries (at most 1000, no `..`, absolute paths, ' +
        'links or control characters), total size (1 GB) and compression ratio (100). Refusals carry a `code`.',
      parameters: [
        query(
          'dataset',
          'The dataset to load into.',
          str(undefined, { pattern: '^[a-z0-9][a-z0-9_-]{0,63}$' }),
          {
            required: true,
          },
        ),
        query('format', 'The reader; guessed from the content when absent.', {
          enum: ['ftm', 'ofac', 'un', 'stix', 'adjacency', 'edgelist'],
        }),
        query(
          'marking',
          'Default marking of the statements; at most your clearance.',
          str(undefined, {
            default: 'OFFICIAL',
          }),
        ),
        query('grading', 'Default 3x5x2 grading, e.g. `2BP`.', str()),
        query(
          'title',
          'Title of a new dataset, or a new title for an existing one the caller can see something of; without it an existing dataset keeps its title, and one the caller cannot see is never changed.',
          str(undefined, { maxLength: 200 }),
        ),
        query(
          'filename',
          'The file name: its extension must agree with the content.',
          str(undefined, {
            maxLength: 200,
          }),
        ),
      ],
      requestBody: {
        required: true,
        content: {
          'application/octet-stream': { schema: str(undefined, { format: 'binary' }) },
          'application/x-ndjson': { schema: str() },
          'text/csv': { schema: str() },
          'application/xml': { schema: str() },
          'application/zip': { schema: str(undefined, { format: 'binary' }) },
          'application/gzip': { schema: str(undefined, { format: 'binary' }) },
        },
      },
      responses: {
        '202': {
          ...ok('Queued: follow it at `Location` (/api/jobs/{id}) or its events.', ref('Job')),
          headers: { Location: { description: 'The job.', schema: str() } },
        },
        ...errors(400, 405, 413, 415, 429, 500, 503),
      },
    },
  },
  '/api/jobs': {
    get: {
      tags: ['system'],
      operationId: 'jobs',
      summary: "The caller's upload jobs (this process's, or the durable queue's), newest first.",
      responses: { '200': ok('The jobs.', ref('Jobs')), ...errors(500) },
    },
  },
  '/api/jobs/{id}': {
    get: {
      tags: ['system'],
      operationId: 'job',
      summary: 'One job: state, latest progress, summary, first rejects, error.',
      parameters: [param('JobId')],
      responses: { '200': ok('The job.', ref('Job')), ...errors(404, 500) },
    },
  },
  '/api/jobs/{id}/events': {
    get: {
      tags: ['system'],
      operationId: 'jobEvents',
      summary: "The job's events as server-sent events: past ones replayed, then live ones, then the end.",
      description:
        'Each event is `id: N`, `event: progress|done|failed|cancelled` and one `data:` line of JSON: a ' +
        'ProgressEvent for `progress`, the Job for the others, after which the stream closes. Comment lines ' +
        '(`: heartbeat`) keep it open. `Last-Event-ID` (or `last_event_id`) replays only later events.',
      parameters: [
        param('JobId'),
        { name: 'Last-Event-ID', in: 'header', description: 'Resume after this event id.', schema: str() },
        query('last_event_id', 'As the `Last-Event-ID` header, for clients that cannot set it.', int(0, 1e9)),
      ],
      responses: {
        '200': { description: 'An event stream.', content: { 'text/event-stream': { schema: str() } } },
        ...errors(404, 429, 500),
      },
    },
  },
  '/api/jobs/{id}/cancel': {
    post: {
      tags: ['system'],
      operationId: 'jobCancel',
      summary: 'Stop the job: a queued one at once, a running one after its current batch.',
      parameters: [param('JobId')],
      responses: {
        '202': ok('The job, with `cancel_requested`; finished jobs are left as they are.', ref('Job')),
        ...errors(404, 405, 500),
      },
    },
  },
  '/api/xref/judge': {
    post: {
      tags: ['review'],
      operationId: 'xrefJudge',
      summary: 'Record a decision on two records; a match merges them under one canonical id.',
      requestBody: {
        required: true,
        content: jsonContent(ref('JudgeRequest'), {
          a: 'rec-1',
          b: 'rec-2',
          judgement: 'unsure',
          reason: '',
        }),
      },
      responses: {
        '200': ok('Recorded.', ref('JudgeResult')),
        ...errors(400, 404, 405, 409, 413, 500, 503),
      },
    },
  },
};

/** Every operation that needs a session can also be refused for the lack of one (and of the CSRF header). */
/** Every authenticated read, and screening, takes the `grading` filter (src/serve/grading-param.ts); bad ones are 400. */
function withGradingFilter(all: Record<string, Json>): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const [path, item] of Object.entries(all)) {
    const ops: Json = {};
    for (const [method, op] of Object.entries(item) as [string, Json][]) {
      const open = Array.isArray(op.security) && op.security.length === 0;
      const reads = method === 'get' || (method === 'post' && path.startsWith('/match/'));
      ops[method] =
        open || !reads
          ? op
          : {
              ...op,
              parameters: [...((op.parameters as Json[] | undefined) ?? []), param('Grading')],
              responses: { ...(op.responses as Json), ...errors(400) },
            };
    }
    out[path] = ops;
  }
  return out;
}

function withAuthErrors(all: Record<string, Json>): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const [path, item] of Object.entries(all)) {
    const ops: Json = {};
    for (const [method, op] of Object.entries(item) as [string, Json][]) {
      const open = Array.isArray(op.security) && op.security.length === 0;
      // 403: the role lacks the permission (the policy's roles table), or a cookie request lacks its CSRF header.
      const extra = open ? {} : errors(401, 403);
      ops[method] = { ...op, responses: { ...(op.responses as Json), ...extra } };
    }
    out[path] = ops;
  }
  return out;
}

/** The OpenAPI 3.1 document; built once, the same for every caller (it describes routes, never data). */
export function openApiDocument(): Json {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Nexus API',
      version: VERSION,
      description:
        'Intelligence analysis over FollowTheMoney statements. Every answer holds only what the caller may see ' +
        '(clearance dominates the marking and every caveat is held) and names the highest marking inside; ' +
        'something the caller may not see answers exactly like something that does not exist. Every response ' +
        'carries `X-Request-Id`.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    tags: [
      { name: 'system', description: 'Health, background jobs and this documentation.' },
      { name: 'auth', description: 'Sessions: sign in for a bearer token or the `nexus_session` cookie.' },
      {
        name: 'entities',
        description: 'Datasets, counts, search, entities with provenance, and ingest by upload.',
      },
      { name: 'screening', description: 'Screening against the lists (yente-compatible).' },
      { name: 'review', description: 'The match-review queue and judgements.' },
      {
        name: 'graph',
        description: 'Link analysis: paths, exposure, centrality, communities, campaigns, export.',
      },
      {
        name: 'crypto',
        description:
          'Crypto tracing: taint models over transfers and UTXO transactions, exposure per seed set.',
      },
      {
        name: 'assessment',
        description:
          'The strategic assessment: key judgements on the probability yardstick, priorities, claims tested, report.',
      },
      {
        name: 'audit',
        description:
          'The hash-chained audit log (DPA 2018 s.62): every route records its action, user, purpose and request id.',
      },
    ],
    security: [{ bearerAuth: [] }, { cookieAuth: [] }],
    paths: withAuthErrors(withGradingFilter(paths)),
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'A token from POST /auth/login.' },
        cookieAuth: {
          type: 'apiKey',
          in: 'cookie',
          name: 'nexus_session',
          description:
            'Set by POST /auth/login. State-changing requests signed in this way must also send the `X-CSRF-Token` ' +
            'header with the value of the `nexus_csrf` cookie.',
        },
      },
      schemas,
      parameters,
      responses,
    },
  };
}

// ---- the interactive page ---------------------------------------------------------------------------------------

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 1100px; padding: 1rem; color: #1d232a; }
header { display: flex; gap: 1rem; align-items: center; flex-wrap: wrap; border-bottom: 1px solid #ccd; }
header label { margin-left: auto; }
h2 { text-transform: capitalize; margin-top: 2rem; }
details.op { border: 1px solid #d5d9e0; border-radius: 4px; margin: .4rem 0; padding: .3rem .6rem; }
summary { cursor: pointer; }
.method { display: inline-block; min-width: 4.2em; font-weight: 700; font-family: monospace; }
.get { color: #1a6b3a; } .post { color: #8a4b00; }
.muted { color: #5b6470; }
form label { display: block; margin: .35rem 0; }
form label span { display: inline-block; min-width: 14em; font-family: monospace; }
input { width: 22em; font: inherit; } textarea { width: 100%; font: 13px monospace; }
pre { background: #f4f6f8; padding: .6rem; overflow: auto; max-height: 32rem; white-space: pre-wrap; }
.error { color: #a01010; }
`;

// Plain ES2017, no template literals (this is itself inside one), never innerHTML: data is shown as text only.
const SCRIPT = `
(function () {
  'use strict';
  function el(tag, attrs) {
    var node = document.createElement(tag);
    var a = attrs || {};
    Object.keys(a).forEach(function (k) {
      if (k === 'text') node.textContent = a[k];
      else node.setAttribute(k, a[k]);
    });
    for (var i = 2; i < arguments.length; i++) if (arguments[i]) node.append(arguments[i]);
    return node;
  }
  var root = document.getElementById('ops');
  var token = document.getElementById('token');
  var doc;
  function resolve(x) {
    var seen = 0;
    while (x && typeof x.$ref === 'string' && seen++ < 10) {
      x = x.$ref.replace(/^#\\//, '').split('/').reduce(function (o, k) { return o ? o[k] : undefined; }, doc);
    }
    return x;
  }
  function operation(path, method, op, shared) {
    var box = el('details', { class: 'op' },
      el('summary', {}, el('span', { class: 'method ' + method, text: method.toUpperCase() }),
        el('code', { text: path }), el('span', { class: 'muted', text: '  ' + (op.summary || '') })));
    if (op.description) box.append(el('p', { text: op.description }));
    var form = el('form');
    var inputs = [];
    shared.concat(op.parameters || []).map(resolve).forEach(function (p) {
      if (!p || (p.in !== 'path' && p.in !== 'query')) return;
      var input = el('input', { name: p.name });
      var s = p.schema || {};
      if (s.default !== undefined) input.setAttribute('placeholder', String(s.default));
      if (p.example !== undefined) input.value = String(p.example);
      inputs.push({ p: p, input: input });
      form.append(el('label', {}, el('span', { text: p.name + (p.required ? ' *' : '') + ' (' + p.in + ')' }),
        input, el('small', { class: 'muted', text: ' ' + (p.description || '') })));
    });
    var body = null;
    var rb = resolve(op.requestBody);
    if (rb && rb.content && rb.content['application/json']) {
      var media = rb.content['application/json'];
      body = el('textarea', { rows: '8', spellcheck: 'false' });
      if (media.example !== undefined) body.value = JSON.stringify(media.example, null, 2);
      form.append(el('label', {}, el('span', { text: 'body (application/json)' }), body));
    }
    var out = el('div', { class: 'out' });
    form.append(el('button', { type: 'submit', text: 'Send' }));
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var url = path;
      var q = new URLSearchParams();
      for (var i = 0; i < inputs.length; i++) {
        var p = inputs[i].p;
        var v = inputs[i].input.value.trim();
        if (p.in === 'path') {
          if (v === '') { out.replaceChildren(el('p', { class: 'error', text: 'give ' + p.name })); return; }
          url = url.replace('{' + p.name + '}', encodeURIComponent(v));
        } else if (v !== '') q.append(p.name, v);
      }
      var qs = q.toString();
      if (qs) url += '?' + qs;
      var headers = {};
      var t = token.value.trim();
      if (t) headers.Authorization = 'Bearer ' + t;
      else if (method !== 'get') {
        var csrf = document.cookie.split('; ').filter(function (c) { return c.indexOf('nexus_csrf=') === 0; })[0];
        if (csrf) headers['X-CSRF-Token'] = decodeURIComponent(csrf.slice('nexus_csrf='.length));
      }
      var init = { method: method.toUpperCase(), headers: headers, credentials: 'same-origin' };
      if (body) { headers['Content-Type'] = 'application/json'; init.body = body.value; }
      out.replaceChildren(el('p', { class: 'muted', text: init.method + ' ' + url }));
      var started = performance.now();
      fetch(url, init).then(function (res) {
        return res.text().then(function (txt) {
          var shown = txt;
          if ((res.headers.get('content-type') || '').indexOf('json') >= 0 && txt) {
            try { shown = JSON.stringify(JSON.parse(txt), null, 2); } catch (e) { shown = txt; }
          }
          if (shown.length > 200000) shown = shown.slice(0, 200000) + '\\n... (cut at 200,000 characters)';
          var marking = res.headers.get('x-nexus-marking');
          out.replaceChildren(
            el('p', { class: 'muted', text: init.method + ' ' + url }),
            el('p', {}, el('strong', { text: res.status + ' ' + res.statusText }),
              el('span', { class: 'muted', text: '  ' + Math.round(performance.now() - started) + ' ms, request id ' +
                (res.headers.get('x-request-id') || '-') + (marking ? ', marking ' + marking : '') })),
            el('pre', { text: shown || '(no body)' }));
        });
      }).catch(function (e) {
        out.replaceChildren(el('p', { class: 'error', text: 'request failed: ' + e }));
      });
    });
    box.append(form, out);
    return box;
  }
  fetch('/openapi.json', { credentials: 'same-origin' }).then(function (r) { return r.json(); }).then(function (d) {
    doc = d;
    document.getElementById('title').textContent = d.info.title + ' ' + d.info.version;
    var groups = {};
    var order = (d.tags || []).map(function (t) { return t.name; });
    Object.keys(d.paths).forEach(function (path) {
      var item = d.paths[path];
      ['get', 'post', 'put', 'patch', 'delete'].forEach(function (m) {
        var op = item[m];
        if (!op) return;
        var tag = (op.tags && op.tags[0]) || 'other';
        if (!groups[tag]) { groups[tag] = []; if (order.indexOf(tag) < 0) order.push(tag); }
        groups[tag].push(operation(path, m, op, item.parameters || []));
      });
    });
    order.forEach(function (tag) {
      if (!groups[tag]) return;
      var info = (d.tags || []).filter(function (t) { return t.name === tag; })[0];
      var section = el('section', {}, el('h2', { text: tag }));
      if (info && info.description) section.append(el('p', { class: 'muted', text: info.description }));
      groups[tag].forEach(function (node) { section.append(node); });
      root.append(section);
    });
  }).catch(function (e) {
    root.replaceChildren(el('p', { class: 'error', text: 'cannot load /openapi.json: ' + e }));
  });
})();
`;

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Nexus API</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1 id="title">Nexus API</h1>
<a href="/openapi.json">openapi.json</a>
<label>Bearer token <input id="token" type="password" autocomplete="off" placeholder="optional"></label>
</header>
<p class="muted">Each operation opens to a form; answers are shown as text. The token stays in this page (never
stored); without one, the session cookie is sent if you are signed in.</p>
<main id="ops"></main>
<script>${SCRIPT}</script>
</body>
</html>
`;

/** Only the page's own inline style and script may run, and it may talk to this server only. */
const PAGE_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy': [
    "default-src 'none'",
    `script-src ${sha256(SCRIPT)}`,
    `style-src ${sha256(STYLE)}`,
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; '),
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

/** GET /openapi.json and GET /docs, mounted at the root of the app. */
export function openApiRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const document = JSON.stringify(openApiDocument());
  app.get('/openapi.json', (c) =>
    c.body(document, 200, { 'Content-Type': 'application/json; charset=utf-8' }),
  );
  app.get('/docs', (c) => c.body(PAGE, 200, PAGE_HEADERS));
  return app;
}
