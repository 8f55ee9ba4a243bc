// What a view gets from the shell: the route, a signal aborted when the reader leaves, and a place for cleanup.
import type { Route } from '../router.js';

export interface ViewContext extends Route {
  signal: AbortSignal;
  /** Runs when the view is left (sigma instances, key handlers). */
  onLeave(fn: () => void): void;
}

export type View = (ctx: ViewContext) => HTMLElement;
