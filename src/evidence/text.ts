// Plain text and HTML as text: the encoding found from the bytes, and HTML read as what a person sees (no markup, no
// script or style), through htmlparser2, which never runs or fetches anything.
import { Parser } from 'htmlparser2';

/** The text of bytes in UTF-8 (with or without BOM), UTF-16 (with BOM), or else Windows-1252, and which it was. */
export function decodeText(buf: Uint8Array): { text: string; encoding: string } {
  if (buf[0] === 0xff && buf[1] === 0xfe)
    return { text: new TextDecoder('utf-16le').decode(buf.subarray(2)), encoding: 'utf-16le' };
  if (buf[0] === 0xfe && buf[1] === 0xff)
    return { text: new TextDecoder('utf-16be').decode(buf.subarray(2)), encoding: 'utf-16be' };
  const bom = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(bom)), encoding: 'utf-8' };
  } catch {
    // Not UTF-8: the commonest single-byte encoding of Western mail and documents; every byte decodes.
    return { text: new TextDecoder('windows-1252').decode(buf), encoding: 'windows-1252' };
  }
}

// Elements whose content is not shown as text: code, styles, templates, embedded objects.
const HIDDEN = new Set([
  'script',
  'style',
  'noscript',
  'template',
  'object',
  'embed',
  'iframe',
  'svg',
  'math',
  'head',
]);
const BLOCK = new Set([
  'p',
  'div',
  'br',
  'li',
  'ul',
  'ol',
  'tr',
  'table',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'section',
  'article',
  'header',
  'footer',
  'blockquote',
  'pre',
  'hr',
  'td',
  'th',
  'dd',
  'dt',
  'address',
  'title',
]);

/** The visible text of an HTML document and its title. */
export function htmlText(html: string): { text: string; title?: string } {
  const out: string[] = [];
  let hidden = 0;
  let inTitle = false;
  let title = '';
  const parser = new Parser(
    {
      onopentag(name) {
        if (name === 'title') inTitle = true;
        else if (HIDDEN.has(name)) hidden++;
        if (BLOCK.has(name)) out.push('\n');
      },
      ontext(data) {
        if (inTitle) title += data;
        else if (hidden === 0) out.push(data);
      },
      onclosetag(name) {
        if (name === 'title') inTitle = false;
        else if (HIDDEN.has(name) && hidden > 0) hidden--;
        if (BLOCK.has(name)) out.push('\n');
      },
    },
    { decodeEntities: true, lowerCaseTags: true, recognizeSelfClosing: true },
  );
  parser.write(html);
  parser.end();
  const text = tidy(out.join(''));
  const t = title.replace(/\s+/g, ' ').trim();
  return t === '' ? { text } : { text, title: t };
}

/** Runs of spaces to one, at most one blank line in a row, no space at line ends. */
export function tidy(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t\f\v\u00a0]+/g, ' ')
    .replace(/ ?\n ?/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
