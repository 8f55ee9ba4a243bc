// C2PA manifests (content credentials) read from a file's JUMBF boxes: the active manifest's claim generator, its
// actions (c2pa.created, c2pa.edited... with softwareAgent and digitalSourceType), and whether it carries a COSE
// signature. Signatures are NOT validated: that needs the signer's certificate chain checked against trust anchors
// and the asset's hash bindings recomputed, which Nexus does not do; it reports "present, not validated".
import { X509Certificate } from 'node:crypto';
import { decode, Tag } from 'cbor2';
import { findJumbf, type JumbfBox, parseJumbf } from './jumbf.js';

export interface C2paAction {
  action: string;
  softwareAgent?: string;
  digitalSourceType?: string;
  when?: string;
}

export interface C2paFindings {
  /** The active (last) manifest's label, e.g. `urn:uuid:...`. */
  label: string;
  claimGenerator?: string;
  title?: string;
  actions: C2paAction[];
  /** `present, not validated (...)` or `absent`. */
  signature: string;
  manifests: number;
  /** Parts that could not be read. */
  problems: string[];
}

const COSE_ALGORITHMS = new Map<number, string>([
  [-7, 'ES256'],
  [-35, 'ES384'],
  [-36, 'ES512'],
  [-37, 'PS256'],
  [-38, 'PS384'],
  [-39, 'PS512'],
  [-8, 'EdDSA'],
]);

function cbor(data: Uint8Array | undefined): unknown {
  if (!data) return undefined;
  return decode(data);
}

function field(obj: unknown, key: string | number): unknown {
  if (obj instanceof Map) return obj.get(key) ?? obj.get(String(key));
  if (obj && typeof obj === 'object') return (obj as Record<string, unknown>)[String(key)];
  return undefined;
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim().slice(0, 500) : undefined;
}

function agentName(v: unknown): string | undefined {
  if (typeof v === 'string') return text(v);
  const name = text(field(v, 'name'));
  const version = text(field(v, 'version'));
  return name && version ? `${name} ${version}` : name;
}

function child(box: JumbfBox, label: string): JumbfBox | undefined {
  return box.children.find(
    (c) => c.type === 'jumb' && (c.label === label || c.label?.startsWith(`${label}__`)),
  );
}

function content(box: JumbfBox | undefined): Uint8Array | undefined {
  return box?.children.find((c) => c.type === 'cbor')?.data;
}

function actionsOf(assertions: JumbfBox | undefined, problems: string[]): C2paAction[] {
  const out: C2paAction[] = [];
  for (const a of assertions?.children ?? []) {
    if (a.type !== 'jumb' || !/^c2pa\.actions(\.v2)?(__\d+)?$/.test(a.label ?? '')) continue;
    try {
      const list = field(cbor(content(a)), 'actions');
      for (const item of Array.isArray(list) ? list.slice(0, 200) : []) {
        const action = text(field(item, 'action'));
        if (!action) continue;
        const entry: C2paAction = { action };
        const agent = agentName(field(item, 'softwareAgent'));
        const dst = text(field(item, 'digitalSourceType'));
        const when = text(field(item, 'when'));
        if (agent) entry.softwareAgent = agent;
        if (dst) entry.digitalSourceType = dst;
        if (when) entry.when = when;
        out.push(entry);
      }
    } catch {
      problems.push(`assertion ${a.label} cannot be decoded`);
    }
  }
  return out;
}

/** What the COSE_Sign1 structure says of itself: algorithm and signing certificate. Never a verdict on validity. */
function signatureOf(box: JumbfBox | undefined, problems: string[]): string {
  const data = content(box);
  if (!data) return 'absent';
  try {
    let sign1 = cbor(data);
    if (sign1 instanceof Tag) sign1 = sign1.contents;
    if (!Array.isArray(sign1) || sign1.length !== 4)
      return 'present, not validated (not a COSE_Sign1 structure)';
    const [prot, unprot] = sign1 as [Uint8Array, unknown];
    const header = prot instanceof Uint8Array && prot.length > 0 ? cbor(prot) : undefined;
    const alg = field(header, 1);
    const details: string[] = ['COSE_Sign1'];
    if (typeof alg === 'number') details.push(COSE_ALGORITHMS.get(alg) ?? `algorithm ${alg}`);
    const chain = field(header, 33) ?? field(unprot, 33);
    const first = Array.isArray(chain) ? chain[0] : chain;
    if (first instanceof Uint8Array) {
      try {
        const cert = new X509Certificate(first);
        details.push(`certificate subject ${cert.subject.replace(/\n/g, ', ')}`);
        details.push(`issuer ${cert.issuer.replace(/\n/g, ', ')}`);
      } catch {
        details.push('certificate unreadable');
      }
    }
    return `present, not validated (${details.join('; ')})`;
  } catch {
    problems.push('signature cannot be decoded');
    return 'present, not validated (unreadable)';
  }
}

/** The C2PA manifest store of a file, if it carries one; undefined when there is no C2PA data at all. */
export function readC2pa(bytes: Uint8Array, kind: string): C2paFindings | undefined {
  const blobs = findJumbf(bytes, kind);
  if (blobs.length === 0) return undefined;
  const problems: string[] = [];
  const stores = blobs.flatMap((b) => parseJumbf(b)).filter((b) => b.type === 'jumb' && b.label === 'c2pa');
  const manifests = stores.flatMap((s) => s.children.filter((c) => c.type === 'jumb'));
  const active = manifests.at(-1);
  if (!active)
    return {
      label: '',
      actions: [],
      signature: 'absent',
      manifests: 0,
      problems: ['JUMBF data without a readable C2PA manifest store'],
    };
  const found: C2paFindings = {
    label: active.label ?? '',
    actions: actionsOf(child(active, 'c2pa.assertions'), problems),
    signature: signatureOf(child(active, 'c2pa.signature'), problems),
    manifests: manifests.length,
    problems,
  };
  const claimBox = child(active, 'c2pa.claim.v2') ?? child(active, 'c2pa.claim');
  try {
    const claim = cbor(content(claimBox));
    const info = field(claim, 'claim_generator_info');
    const generator =
      text(field(claim, 'claim_generator')) ?? agentName(Array.isArray(info) ? info[0] : info);
    const title = text(field(claim, 'dc:title'));
    if (generator) found.claimGenerator = generator;
    if (title) found.title = title;
    if (!claimBox) problems.push('manifest without a claim');
  } catch {
    problems.push('claim cannot be decoded');
  }
  return found;
}
