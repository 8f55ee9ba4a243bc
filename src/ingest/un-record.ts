// The parsed form of one UN consolidated-list record, and read access to it that tracks which fields were used.

/** A direct child of an INDIVIDUAL/ENTITY element: its own text, and its children's texts by relative path. */
export interface UnElement {
  tag: string;
  line: number;
  text: string;
  children: Map<string, string[]>;
}

export interface UnRecord {
  tag: string;
  line: number;
  elements: UnElement[];
}

export function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Read access to a record's elements that remembers what was used, so the rest can be kept in notes. */
export class RecordView {
  private readonly used = new Set<string>();

  constructor(private readonly rec: UnRecord) {}

  // An element's own text and each of its children are tracked apart, so a grouping element such as TITLE that
  // unexpectedly holds text directly still has that text kept.
  private mark(el: UnElement, child?: string): void {
    this.used.add(child === undefined ? el.tag : `${el.tag}\u0000${child}`);
  }

  /** The first non-empty text of a simple element such as DATAID. */
  text(tag: string): string | undefined {
    return this.texts(tag)[0];
  }

  texts(tag: string): string[] {
    const out: string[] = [];
    for (const el of this.rec.elements) {
      if (el.tag !== tag) continue;
      this.mark(el);
      if (el.text.trim() !== '') out.push(el.text.trim());
    }
    return out;
  }

  /**
   * Every VALUE of elements such as NATIONALITY, whitespace collapsed; text written straight into the element
   * (`<TITLE>Dr.</TITLE>`, not the list's layout but seen in hand-edited copies) counts as a value too.
   */
  list(tag: string): string[] {
    const direct = this.texts(tag).map(collapse);
    return [...this.groups(tag).flatMap((g) => g.all('VALUE')), ...direct];
  }

  groups(tag: string): Group[] {
    const out: Group[] = [];
    for (const el of this.rec.elements) {
      if (el.tag !== tag) continue;
      const all = (child: string): string[] => {
        this.mark(el, child);
        return (el.children.get(child) ?? []).map(collapse).filter((v) => v !== '');
      };
      const raw = (child: string): string | undefined => {
        this.mark(el, child);
        return el.children
          .get(child)
          ?.find((v) => v.trim() !== '')
          ?.trim();
      };
      out.push({ line: el.line, all, get: (child) => all(child)[0], raw });
    }
    return out;
  }

  /** Text the mapping did not use, as `TAG: value` or `TAG/CHILD: value`, so nothing is silently dropped. */
  leftovers(): string[] {
    const out: string[] = [];
    for (const el of this.rec.elements) {
      if (!this.used.has(el.tag) && el.text.trim() !== '') out.push(`${el.tag}: ${el.text.trim()}`);
      for (const [child, values] of el.children) {
        if (this.used.has(`${el.tag}\u0000${child}`)) continue;
        for (const v of values) if (v.trim() !== '') out.push(`${el.tag}/${child}: ${v.trim()}`);
      }
    }
    return out;
  }
}

export interface Group {
  line: number;
  all(child: string): string[];
  get(child: string): string | undefined;
  /** The child's text with its line breaks kept, for narrative notes. */
  raw(child: string): string | undefined;
}
