// Streams a text file line by line with 1-based line numbers and byte counts, bounding line length.
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { NexusError } from '../model/index.js';

export interface Line {
  text: string;
  line: number;
  /** True when the line's bytes were not valid UTF-8 (text then holds replacement characters). */
  badEncoding: boolean;
}

export interface LineOptions {
  onBytes(bytes: number): void;
  maxLineBytes?: number;
  signal?: AbortSignal;
}

/**
 * Yields lines decoded as UTF-8, flagging lines whose bytes are not valid UTF-8 so the caller can reject them.
 * `.gz` files are decompressed on the fly.
 */
export async function* readLines(path: string, opts: LineOptions): AsyncGenerator<Line> {
  const max = opts.maxLineBytes ?? 64 * 1024 * 1024;
  const raw = createReadStream(path);
  raw.on('data', (chunk) => opts.onBytes(chunk.length));
  const stream = path.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  const strict = new TextDecoder('utf-8', { fatal: true });
  const lenient = new TextDecoder('utf-8');
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let line = 0;
  const decode = (buf: Buffer): [string, boolean] => {
    try {
      return [strict.decode(buf), false];
    } catch {
      return [lenient.decode(buf), true];
    }
  };
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (opts.signal?.aborted) return;
      let start = 0;
      for (let nl = chunk.indexOf(10, start); nl !== -1; nl = chunk.indexOf(10, start)) {
        line++;
        const piece = chunk.subarray(start, nl);
        const whole = pending.length > 0 ? Buffer.concat([...pending, piece]) : piece;
        pending = [];
        pendingBytes = 0;
        if (whole.length > max)
          throw new NexusError('RECORD_INVALID', `ingest: ${path}: line ${line}: longer than ${max} bytes`, {
            file: path,
            line,
          });
        let [text, badEncoding] = decode(whole);
        if (text.endsWith('\r')) text = text.slice(0, -1);
        if (line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        yield { text, line, badEncoding };
        start = nl + 1;
      }
      if (start < chunk.length) {
        pending.push(chunk.subarray(start));
        pendingBytes += chunk.length - start;
        if (pendingBytes > max)
          throw new NexusError(
            'RECORD_INVALID',
            `ingest: ${path}: line ${line + 1}: longer than ${max} bytes`,
            { file: path, line: line + 1 },
          );
      }
    }
  } catch (err) {
    if (err instanceof NexusError) throw err;
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'Z_DATA_ERROR' || e.code === 'Z_BUF_ERROR') {
      throw new NexusError('FORMAT_MISMATCH', `ingest: ${path}: not a valid gzip file`, { file: path });
    }
    throw new NexusError('SOURCE_UNREADABLE', `ingest: ${path}: ${e.message}`, { file: path });
  }
  if (pending.length > 0) {
    line++;
    const [text, badEncoding] = decode(Buffer.concat(pending));
    yield { text: text.endsWith('\r') ? text.slice(0, -1) : text, line, badEncoding };
  }
}
