// The marking high-water mark: anything derived carries the highest marking of what it contains (OFFICIAL for
// nothing).
import { formatMarking, highestMarking, parseMarking } from '../model/index.js';

export function highest(markings: Iterable<string>): string {
  const list = [...markings];
  return formatMarking(highestMarking((list.length ? list : ['OFFICIAL']).map((m) => parseMarking(m))));
}
