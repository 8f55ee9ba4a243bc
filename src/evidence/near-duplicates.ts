// Near-duplicate images across an evidence dataset: every pair of images whose perceptual hashes differ in at most
// NEAR_DUPLICATE_BITS bits, kept as an FtM `Similar` entity (candidate, match, confidence, criteria) between them.
import type { AccessContext } from '../access/index.js';
import { addValue, type EntityRecord, newEntity } from '../ingest/index.js';
import { stableId } from '../model/index.js';
import type { Store } from '../store/index.js';
import { hammingDistance, NEAR_DUPLICATE_BITS } from './phash.js';

export interface NearDuplicate {
  a: string;
  b: string;
  distance: number;
}

/** Every image of the dataset the context sees that has a perceptual hash, by id. */
export async function imageHashes(
  ctx: AccessContext,
  store: Store,
  dataset: string,
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let after: string | null = null;
  do {
    const page = await store.listEntities(ctx, { schema: 'Image', dataset }, { limit: 500, after });
    for (const e of page.items) {
      const hash = e.properties.get('perceptualHash')?.[0];
      if (hash) out.set(e.id, hash);
    }
    after = page.next;
  } while (after !== null);
  return out;
}

/**
 * Pairs within the threshold. Every pair is compared: fine for the thousands of pictures of a case; a very large set
 * would want an index over the hashes (a BK-tree), which is left for when one is needed.
 */
export function nearDuplicates(hashes: Map<string, string>, maxBits = NEAR_DUPLICATE_BITS): NearDuplicate[] {
  const list = [...hashes].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const out: NearDuplicate[] = [];
  for (let i = 0; i < list.length; i++)
    for (let j = i + 1; j < list.length; j++) {
      const [a, ha] = list[i] as [string, string];
      const [b, hb] = list[j] as [string, string];
      const distance = hammingDistance(ha, hb);
      if (distance <= maxBits) out.push({ a, b, distance });
    }
  return out;
}

export function similarEntity(pair: NearDuplicate): EntityRecord {
  const e = newEntity(stableId('similar', pair.a, pair.b), 'Similar');
  addValue(e, 'candidate', pair.a);
  addValue(e, 'match', pair.b);
  addValue(e, 'confidenceScore', String(Math.round((1 - pair.distance / 64) * 1000) / 1000));
  addValue(e, 'criteria', `perceptual hash (DCT, 64 bits): ${pair.distance} bits differ`);
  addValue(e, 'matcher', 'nexus perceptual hash');
  return e;
}
