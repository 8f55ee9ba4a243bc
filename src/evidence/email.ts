// RFC 822 / MIME email (.eml) through postal-mime: header fields, the text body (or the HTML body as text), and the
// attachments, which the caller reads as child documents of the email.
import PostalMime from 'postal-mime';
import { EvidenceRefusal } from './limits.js';
import { htmlText } from './text.js';

export interface EmailParts {
  text: string;
  props: Map<string, string[]>;
  attachments: { name: string; bytes: Buffer }[];
}

type Address = { name?: string; address?: string; group?: Address[] };

function addresses(list: Address[] | Address | undefined): string[] {
  const flat = (a: Address): Address[] => (a.group ? a.group.flatMap(flat) : [a]);
  const all = (Array.isArray(list) ? list : list ? [list] : []).flatMap(flat);
  return all
    .map((a) => (a.name ? `${a.name} <${a.address ?? ''}>` : (a.address ?? '')))
    .filter((s) => s !== '');
}

function emails(list: Address[] | Address | undefined): string[] {
  const flat = (a: Address): Address[] => (a.group ? a.group.flatMap(flat) : [a]);
  return (Array.isArray(list) ? list : list ? [list] : [])
    .flatMap(flat)
    .map((a) => a.address ?? '')
    .filter((s) => s.includes('@'));
}

export async function readEmail(buf: Uint8Array, maxAttachmentBytes: number): Promise<EmailParts> {
  let mail: Awaited<ReturnType<typeof PostalMime.parse>>;
  try {
    mail = await PostalMime.parse(Buffer.from(buf.buffer, buf.byteOffset, buf.length));
  } catch (err) {
    throw new EvidenceRefusal(
      'EMAIL_INVALID',
      `the email cannot be parsed (${err instanceof Error ? err.message.slice(0, 120) : 'unknown'})`,
    );
  }
  const props = new Map<string, string[]>();
  const set = (name: string, values: (string | undefined)[]) => {
    const kept = values.filter((v): v is string => typeof v === 'string' && v.trim() !== '');
    if (kept.length) props.set(name, kept);
  };
  set('subject', [mail.subject]);
  set('title', [mail.subject]);
  set('from', addresses(mail.from as Address | undefined));
  set('sender', addresses(mail.sender as Address | undefined));
  set('to', addresses(mail.to as Address[] | undefined));
  set('cc', addresses(mail.cc as Address[] | undefined));
  set('bcc', addresses(mail.bcc as Address[] | undefined));
  set('messageId', [mail.messageId]);
  set('inReplyTo', [mail.inReplyTo]);
  set('emailMentioned', [
    ...emails(mail.from as Address | undefined),
    ...emails(mail.to as Address[] | undefined),
    ...emails(mail.cc as Address[] | undefined),
  ]);
  const date = mail.date ? new Date(mail.date) : undefined;
  if (date && !Number.isNaN(date.getTime())) set('date', [date.toISOString().slice(0, 10)]);
  const text = mail.text ?? (mail.html ? htmlText(mail.html).text : '');
  const attachments: EmailParts['attachments'] = [];
  mail.attachments.forEach((a, i) => {
    const content = a.content;
    const bytes =
      typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content as ArrayBuffer);
    if (bytes.length > maxAttachmentBytes)
      throw new EvidenceRefusal(
        'FILE_TOO_LARGE',
        `attachment ${i + 1} is larger than ${maxAttachmentBytes} bytes`,
      );
    attachments.push({ name: a.filename?.trim() || `attachment-${i + 1}`, bytes });
  });
  return { text, props, attachments };
}
