/**
 * The aggregator's durable state behind one interface, so that LMDB (lmdb-store.ts) can be swapped for another
 * database (PostgreSQL: see the README's "Federation store" paragraph) without touching the service. Every method that
 * writes is one transaction, durable when its promise resolves: the service answers 2xx only after that.
 *
 * The store holds no logic: the service (one process per data directory) decides what to write, and serialises the
 * writes of one federation itself (mutex.ts), so the store needs no conditional writes.
 */
import type { ClientRecord, FederationRecord, Receipt } from './records.ts';

export type { ClientRecord, FederationRecord, Receipt };

/** The open round's running sum of accepted updates (float64, one value per parameter) and how many it holds. */
export interface RoundSum {
  received: number;
  sum: Float64Array;
}

/** Kept updates (trimmed mean only) are stored in chunks of this many coordinates, so closing reads one chunk at a time. */
export const KEPT_CHUNK_VALUES = 4096;

export interface UpdateBatch {
  /** The round's new running sum and count: the old ones plus this batch's updates. */
  sum: RoundSum;
  receipts: Receipt[];
  /** The updates themselves, only when the federation aggregates with a trimmed mean. */
  kept?: { clientId: string; values: Float32Array }[];
}

export interface FederationStore {
  /** The federation and its clients, in one transaction. */
  createFederation(federation: FederationRecord, clients: ClientRecord[]): Promise<void>;
  getFederation(id: string): Promise<FederationRecord | undefined>;
  listFederations(): Promise<FederationRecord[]>;
  listClients(federationId: string): Promise<ClientRecord[]>;
  putClient(client: ClientRecord): Promise<void>;
  /** The current global weights (raw float32 bytes), as of the federation record's `version`. */
  getWeights(federationId: string): Promise<Uint8Array | undefined>;
  /**
   * Opens round 1 in one transaction: the initial weights and the federation record (state open, round 1, deadline).
   * A round without a stored sum has received nothing.
   */
  openFirstRound(federation: FederationRecord, weights: Uint8Array): Promise<void>;
  getRoundSum(federationId: string, round: number): Promise<RoundSum | undefined>;
  getReceipt(federationId: string, round: number, clientId: string): Promise<Receipt | undefined>;
  listReceipts(federationId: string, round: number): Promise<Receipt[]>;
  /** One transaction: the round's new running sum, the batch's receipts and kept updates. Durable on resolve. */
  commitUpdates(federationId: string, round: number, batch: UpdateBatch): Promise<void>;
  /** Every kept update's values for coordinates [chunk·KEPT_CHUNK_VALUES, …) of a round (any client order). */
  readKeptChunk(federationId: string, round: number, chunk: number): Promise<Float32Array[]>;
  /**
   * Closes `closedRound` in one transaction: the new global weights, the federation record (next round open, or
   * finished; history appended), and the closed round's sum and kept updates deleted (receipts stay, so a late resend
   * still gets its answer).
   */
  closeRound(federation: FederationRecord, weights: Uint8Array, closedRound: number): Promise<void>;
  close(): Promise<void>;
}
