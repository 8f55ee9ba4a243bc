// Writes rejected records and values to a JSON-lines report, one line per reject with file, line, field and reason.
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import type { Reject } from './reader.js';

export class RejectReport {
  private stream: WriteStream | undefined;
  count = 0;

  constructor(readonly path: string) {}

  add(r: Reject): void {
    if (!this.stream) {
      // Reopening after close appends, so a report can span a resumed run.
      mkdirSync(dirname(this.path), { recursive: true });
      this.stream = createWriteStream(this.path, { flags: 'a' });
    }
    this.count++;
    const { kind: _kind, ...rest } = r;
    this.stream.write(`${JSON.stringify(rest)}\n`);
  }

  async close(): Promise<void> {
    const s = this.stream;
    if (!s) return;
    this.stream = undefined;
    await new Promise<void>((ok, fail) => s.end((err?: Error | null) => (err ? fail(err) : ok())));
  }
}
