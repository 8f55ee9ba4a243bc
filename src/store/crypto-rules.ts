// When a transfer leg already stored conflicts with the batch's, and how the conflict is reported: shared by the
// SQLite and PostgreSQL stores so both report the same conflicts in the same words.
import type { TransferBatchResult } from './store.js';

/** A stored leg's values that a repeat must match. */
export interface StoredLeg {
  time: number;
  amount: string;
}

/** True when the stored leg holds another amount or time than the batch's. */
export function legDiffers(stored: StoredLeg, amount: string, time: number): boolean {
  return stored.amount !== amount || stored.time !== time;
}

/** The conflict reported for a transaction whose leg is stored with other values (one per transaction). */
export function legConflict(
  tx: string,
  index: number,
  stored: StoredLeg,
): TransferBatchResult['conflicts'][number] {
  return {
    tx,
    index,
    reason: `already stored with amount ${stored.amount} at ${new Date(stored.time).toISOString()}`,
  };
}
