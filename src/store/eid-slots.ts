// A scratch table from eid to slot for candidate ranking: open addressing in typed arrays, reused from one ranking to
// the next. A Map per query was most of ranking's time and much of its garbage (a page of xref ranks a thousand
// queries, each reaching thousands of eids).

/** Tables up to this many entries are kept for the next ranking; a larger one is made for its ranking alone. */
const KEPT_BITS = 20;

export class EidSlots {
  private bits = 0;
  private mask = 0;
  private eids = new Float64Array(0);
  private slots = new Int32Array(0);
  /** The generation each entry was written in: entries of earlier generations are empty. */
  private marks = new Uint32Array(0);
  private mark = 0;

  /** Empties the table, sized for up to n eids (at most half full). */
  reset(n: number): void {
    let bits = 10;
    while (1 << bits < 2 * n) bits++;
    if (bits > this.bits) {
      this.bits = bits;
      this.mask = (1 << bits) - 1;
      this.eids = new Float64Array(1 << bits);
      this.slots = new Int32Array(1 << bits);
      this.marks = new Uint32Array(1 << bits);
      this.mark = 0;
    }
    if (this.mark === 0xffffffff) {
      this.marks.fill(0);
      this.mark = 0;
    }
    this.mark++;
  }

  /** The slot of eid; one not in the table yet is given `next`, and -1 is returned. */
  claim(eid: number, next: number): number {
    const { eids, marks, mark, mask } = this;
    // Fibonacci hashing: the top bits of the product spread consecutive eids across the table.
    let i = Math.imul(eid | 0, 0x9e3779b1) >>> (32 - this.bits);
    while (marks[i] === mark) {
      if (eids[i] === eid) return this.slots[i] as number;
      i = (i + 1) & mask;
    }
    marks[i] = mark;
    eids[i] = eid;
    this.slots[i] = next;
    return -1;
  }
}

const shared = new EidSlots();

/**
 * An empty table for up to n eids: the shared one, or one of its own for a ranking too large to keep. The shared one
 * is emptied by the next call, so a caller must be done with it before it yields: rankByKeys fills and reads it in one
 * synchronous pass.
 */
export function eidSlots(n: number): EidSlots {
  if (2 * n > 1 << KEPT_BITS) {
    const own = new EidSlots();
    own.reset(n);
    return own;
  }
  shared.reset(n);
  return shared;
}
