// Entity ids: validation of ids that sources supply, and stable ids derived from source keys.
import { createHash } from 'node:crypto';

// Printable, no whitespace or quotes: FtM ids are slugs (`ofac-1234`, `NK-...`) or hashes.
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@+=~-]{0,199}$/;

export function isValidEntityId(id: string): boolean {
  return ID_PATTERN.test(id);
}

/** Why an id is not acceptable, or undefined when it is. */
export function entityIdProblem(id: unknown): string | undefined {
  if (typeof id !== 'string') return 'id must be a string';
  if (id.length === 0) return 'id is empty';
  if (id.length > 200) return 'id is longer than 200 characters';
  if (!ID_PATTERN.test(id))
    return 'id may hold only letters, digits and . _ : @ + = ~ - and must start with a letter or digit';
  return undefined;
}

/** A deterministic id from a prefix and key parts: the same key always gives the same id. */
export function stableId(prefix: string, ...parts: ReadonlyArray<string | number>): string {
  const hash = createHash('sha1');
  for (const part of parts) {
    hash.update(String(part));
    hash.update('\u001f');
  }
  return `${prefix}-${hash.digest('hex')}`;
}

/** A slug id from a prefix and a short source key, falling back to a hash when the key has odd characters. */
export function slugId(prefix: string, key: string | number): string {
  const slug = String(key)
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  const candidate = `${prefix}-${slug}`;
  return slug !== '' && isValidEntityId(candidate) ? candidate : stableId(prefix, key);
}
