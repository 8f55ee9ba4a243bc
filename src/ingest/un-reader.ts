// Reader for the UN Security Council consolidated sanctions list (XML), streamed through saxes one record at a time.
import { createReadStream } from 'node:fs';
import { SaxesParser, type XMLDecl } from 'saxes';
import { NexusError } from '../model/errors.js';
import { type Reader, type ReaderOptions, type ReadItem, reject } from './reader.js';
import { mapUnRecord } from './un-map.js';
import type { UnElement, UnRecord } from './un-record.js';

const ROOT = 'CONSOLIDATED_LIST';
/** Record element -> the list element it must sit in. */
const RECORD_PARENTS = new Map([
  ['INDIVIDUAL', 'INDIVIDUALS'],
  ['ENTITY', 'ENTITIES'],
]);
const CHUNK_BYTES = 64 * 1024;
// Bounds on one record, so a hostile file cannot make the reader hold unbounded text (the real records are < 20 KB).
const MAX_RECORD_CHARS = 2_000_000;
const MAX_RECORD_ELEMENTS = 20_000;
const MAX_DEPTH = 64;
// saxes buffers a text node until the next tag, so a run of bytes without any tag is bounded here instead.
const MAX_BYTES_WITHOUT_TAG = 8 * 1024 * 1024;

export const unReader: Reader = {
  format: 'un',
  read(paths: readonly string[], opts: ReaderOptions): AsyncIterable<ReadItem> {
    return readAll(paths, opts);
  },
};

async function* readAll(paths: readonly string[], opts: ReaderOptions): AsyncGenerator<ReadItem> {
  for (const path of paths) yield* readFile(path, opts);
}

/** The record being collected: its element list and where in the tag stack it sits. */
interface Open {
  rec: UnRecord;
  depth: number;
  element: UnElement | undefined;
  chars: number;
  elements: number;
  oversized: boolean;
}

function mismatch(file: string, line: number | undefined, what: string): NexusError {
  const where = line === undefined ? file : `${file}:${line}`;
  return new NexusError('FORMAT_MISMATCH', `un reader: ${where}: ${what}`, {
    file,
    ...(line === undefined ? {} : { line }),
  });
}

/**
 * Checks the first bytes before parsing, so JSON, binary or UTF-16 input fails fast with a typed error.
 * Returns true once a decision is made (false while only whitespace has been seen).
 */
function sniff(file: string, chunk: Buffer, first: boolean): boolean {
  let i = 0;
  if (first && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) i = 3;
  if (first && ((chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff))) {
    throw new NexusError('ENCODING_INVALID', `un reader: ${file}: UTF-16 input; the UN list is UTF-8`, {
      file,
    });
  }
  if (chunk.includes(0)) throw mismatch(file, undefined, 'binary data (NUL bytes), not XML');
  while (
    i < chunk.length &&
    (chunk[i] === 0x20 || chunk[i] === 0x09 || chunk[i] === 0x0a || chunk[i] === 0x0d)
  )
    i++;
  if (i >= chunk.length) return false;
  if (chunk[i] !== 0x3c) throw mismatch(file, undefined, 'not XML (does not start with "<")');
  return true;
}

async function* readFile(file: string, opts: ReaderOptions): AsyncGenerator<ReadItem> {
  const queue: ReadItem[] = [];
  const stack: string[] = [];
  const parser = new SaxesParser({ position: true });
  let open: Open | undefined;
  let text = '';
  let sawRoot = false;
  let bytesSinceTag = 0;

  parser.on('xmldecl', (decl: XMLDecl) => {
    const enc = decl.encoding?.toLowerCase();
    if (enc !== undefined && enc !== 'utf-8' && enc !== 'utf8') {
      throw new NexusError(
        'ENCODING_INVALID',
        `un reader: ${file}: declared encoding ${decl.encoding} is not UTF-8`,
        { file },
      );
    }
  });
  parser.on('doctype', (doctype: string) => {
    // Entity declarations are how XXE and "billion laughs" attacks work; the UN list never declares any.
    if (/<!ENTITY/i.test(doctype))
      throw mismatch(file, parser.line, 'DOCTYPE with ENTITY declarations is refused');
  });
  parser.on('opentag', (tag) => {
    bytesSinceTag = 0;
    if (stack.length === 0) {
      if (tag.name !== ROOT)
        throw mismatch(file, parser.line, `root element is <${tag.name}>, expected <${ROOT}>`);
      sawRoot = true;
    }
    if (stack.length >= MAX_DEPTH)
      throw mismatch(file, parser.line, `elements nested deeper than ${MAX_DEPTH}`);
    if (open) {
      const level = stack.length - open.depth;
      open.elements++;
      if (open.elements > MAX_RECORD_ELEMENTS) open.oversized = true;
      if (level === 1 && !open.oversized) {
        open.element = { tag: tag.name, line: parser.line, text: '', children: new Map() };
        open.rec.elements.push(open.element);
      }
    } else if (RECORD_PARENTS.get(tag.name) === stack.at(-1) && stack.length === 2) {
      open = {
        rec: { tag: tag.name, line: parser.line, elements: [] },
        depth: stack.length,
        element: undefined,
        chars: 0,
        elements: 0,
        oversized: false,
      };
    }
    stack.push(tag.name);
    text = '';
  });
  const onText = (t: string) => {
    if (!open || open.oversized) return;
    open.chars += t.length;
    if (open.chars > MAX_RECORD_CHARS) open.oversized = true;
    else text += t;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', () => {
    bytesSinceTag = 0;
    if (open) {
      const level = stack.length - 1 - open.depth;
      if (level === 0) {
        queue.push(
          open.oversized
            ? reject(file, 'LIMIT_REACHED', `${open.rec.tag} record is larger than the reader's bound`, {
                line: open.rec.line,
              })
            : mapUnRecord(open.rec, file),
        );
        open = undefined;
      } else if (open.element && !open.oversized) {
        if (level === 1) {
          if (text.trim() !== '') open.element.text += text;
          open.element = undefined;
        } else if (text.trim() !== '') {
          const key = stack.slice(open.depth + 2).join('/');
          const list = open.element.children.get(key);
          if (list) list.push(text);
          else open.element.children.set(key, [text]);
        }
      }
    }
    stack.pop();
    text = '';
  });

  const decoder = new TextDecoder('utf-8', { fatal: true });
  const decode = (chunk?: Buffer): string => {
    try {
      return chunk === undefined ? decoder.decode() : decoder.decode(chunk, { stream: true });
    } catch {
      throw new NexusError('ENCODING_INVALID', `un reader: ${file}: invalid UTF-8 near line ${parser.line}`, {
        file,
        line: parser.line,
      });
    }
  };
  // Runs a parser step; records completed before a fault are still handed out, then the fault is raised.
  const step = (action: () => void): unknown => {
    try {
      action();
      return undefined;
    } catch (err) {
      if (err instanceof NexusError) return err;
      const message = err instanceof Error ? err.message : String(err);
      return mismatch(file, parser.line, `malformed XML: ${message}`);
    }
  };

  let decided = false;
  let first = true;
  const stream = createReadStream(file, { highWaterMark: CHUNK_BYTES });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      opts.signal?.throwIfAborted();
      if (!decided) decided = sniff(file, chunk, first);
      first = false;
      const failure = step(() => parser.write(decode(chunk)));
      opts.onBytes(chunk.length);
      yield* queue.splice(0);
      if (failure !== undefined) throw failure;
      bytesSinceTag += chunk.length;
      if (bytesSinceTag > MAX_BYTES_WITHOUT_TAG) {
        throw new NexusError('LIMIT_REACHED', `un reader: ${file}:${parser.line}: over 8 MiB without a tag`, {
          file,
          line: parser.line,
        });
      }
    }
    if (!decided) throw mismatch(file, undefined, 'empty file, not XML');
    const failure = step(() => {
      parser.write(decode());
      parser.close();
    });
    yield* queue.splice(0);
    if (failure !== undefined) throw failure;
    if (!sawRoot) throw mismatch(file, undefined, `no <${ROOT}> element`);
  } catch (err) {
    if (err instanceof NexusError || opts.signal?.aborted) throw err;
    const message = err instanceof Error ? err.message : String(err);
    throw new NexusError('SOURCE_UNREADABLE', `un reader: cannot read ${file}: ${message}`, { file });
  } finally {
    stream.destroy();
  }
}
