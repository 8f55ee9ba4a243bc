// What the graph knows about each node besides its edges: caption, schema, topics, countries, datasets.
import { DEFAULT_MARKING, formatMarking } from '../model/index.js';

// Kept beside the Graph (by node index) so analyses can rank and summarise without going back to the store.

const DEFAULT = formatMarking(DEFAULT_MARKING);

export class NodeTable {
  readonly caption: string[] = [];
  readonly schema: string[] = [];
  /** Only nodes that have any; most have none. */
  readonly topics = new Map<number, string[]>();
  readonly countries = new Map<number, string[]>();
  readonly datasets = new Map<number, string[]>();
  /** Only nodes whose statements carry more than the default marking. */
  readonly markings = new Map<number, string>();

  set(
    node: number,
    info: {
      caption: string;
      schema: string;
      topics?: string[];
      countries?: string[];
      datasets?: string[];
      marking?: string;
    },
  ): void {
    this.caption[node] = info.caption;
    this.schema[node] = info.schema;
    if (info.topics?.length) this.topics.set(node, this.shared(info.topics));
    if (info.countries?.length) this.countries.set(node, this.shared(info.countries));
    if (info.datasets?.length) this.datasets.set(node, this.shared(info.datasets));
    if (info.marking && info.marking !== DEFAULT) this.markings.set(node, info.marking);
  }

  // Most nodes share one of a few lists (['gb'], ['sanction'], one dataset): one array each, not one per node.
  private readonly lists = new Map<string, string[]>();

  private shared(list: string[]): string[] {
    const key = list.join('\u0000');
    const known = this.lists.get(key);
    if (known) return known;
    this.lists.set(key, list);
    return list;
  }

  markingOf(node: number): string {
    return this.markings.get(node) ?? DEFAULT;
  }

  captionOf(node: number): string {
    return this.caption[node] ?? '';
  }

  schemaOf(node: number): string {
    return this.schema[node] ?? 'Thing';
  }

  topicsOf(node: number): string[] {
    return this.topics.get(node) ?? [];
  }

  countriesOf(node: number): string[] {
    return this.countries.get(node) ?? [];
  }
}
