// The provenance panel of a media entity (an image or a video): what the file's own metadata declares about how it
// was made (generative-AI declarations, capture device, software, C2PA manifest and signature, edit history), the
// flags for missing or unreadable provenance, and near-duplicates. Declarations are shown as declared, never as proof.
import { h } from '../dom.js';
import { href } from '../router.js';
import type { EntityView, Value } from '../types.js';
import { empty } from '../ui.js';

const MEDIA = new Set(['Image', 'Video']);

export function isMedia(schema: string): boolean {
  return MEDIA.has(schema);
}

function values(e: EntityView, prop: string): string[] {
  return [...new Set((e.properties.get(prop) ?? []).map((v: Value) => v.value))];
}

function row(label: string, list: string[], cls = ''): HTMLElement | null {
  if (list.length === 0) return null;
  return h(
    'div',
    { class: `prov-row ${cls}`.trim() },
    h('dt', null, label),
    h(
      'dd',
      null,
      list.length === 1
        ? list[0]
        : h(
            'ul',
            null,
            list.map((v) => h('li', null, v)),
          ),
    ),
  );
}

/** The panel, or null for entities that are not media. */
export function provenancePanel(e: EntityView): HTMLElement | null {
  if (!isMedia(e.schema)) return null;
  const ai = values(e, 'generativeAi');
  const found = values(e, 'metadataFound');
  const similar = e.references.filter((r) => r.entity.schema === 'Similar');
  const section = h(
    'section',
    { class: 'provenance-panel', id: 'provenance', 'aria-labelledby': 'provenance-title' },
    h('h2', { id: 'provenance-title' }, 'Media provenance'),
    h(
      'p',
      { class: 'muted small' },
      "What the file's own metadata declares. Metadata can be removed or forged: its absence proves nothing either way, and C2PA signatures are not validated here.",
    ),
  );
  if (ai.length > 0)
    section.append(
      h(
        'p',
        { class: 'prov-ai', role: 'note' },
        h('strong', null, 'Generative AI declared '),
        ai.map((v) => v.replace(/^declared /, '')).join(' · '),
      ),
    );
  const flags = values(e, 'provenanceFlag');
  const rows = [
    row('Declared digital source type', values(e, 'digitalSourceType'), 'prov-dst'),
    row('Capture device', values(e, 'captureDevice')),
    row('Software', values(e, 'generator')),
    row('Captured or authored', values(e, 'authoredAt')),
    row('C2PA manifest', values(e, 'c2paManifest')),
    row('C2PA signature', values(e, 'c2paSignature')),
    row('Edit history', values(e, 'editHistory')),
    row('Metadata found', found),
    row('Perceptual hash', values(e, 'perceptualHash')),
  ].filter((r): r is HTMLElement => r !== null);
  if (flags.length)
    section.append(
      h(
        'ul',
        { class: 'prov-flags', role: 'list' },
        flags.map((f) => h('li', { class: 'warn' }, f)),
      ),
    );
  if (rows.length === 0 && flags.length === 0)
    section.append(empty('No provenance data is visible to you for this file.'));
  else if (rows.length) section.append(h('dl', { class: 'prov-list' }, rows));
  if (similar.length)
    section.append(
      h('h3', null, `Near-duplicate images (${similar.length})`),
      h(
        'ul',
        null,
        similar.map((r) =>
          h(
            'li',
            null,
            h('a', { href: href(['entity', r.entity.id]) }, 'near-duplicate record'),
            h('span', { class: 'muted small' }, ` (similarity ${r.entity.caption ?? '?'})`),
          ),
        ),
      ),
    );
  return section;
}
