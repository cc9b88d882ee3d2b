/**
 * FederationStore on LMDB (lmdb-js): one environment in the data directory, records as JSON, vectors as raw bytes.
 * Each write method is one `transaction` callback; lmdb-js runs all callbacks queued in one event turn in one LMDB
 * transaction, so concurrent commits share a sync. A method resolves only after `flushed` (the commit synced to disk),
 * so an acknowledged update survives kill -9 and power loss alike.
 *
 * Keys (ordered-binary arrays):  federations  id
 *                                clients      [federationId, clientId]
 *                                receipts     [federationId, round, clientId]
 *                                rounds       [federationId, round]                       → { received }
 *                                vectors      [federationId, 'weights']                   → float32 bytes
 *                                             [federationId, 'sum', round]                → float64 bytes
 *                                             [federationId, 'kept', round, chunk, client] → float32 bytes
 */
import { open, type Database, type RootDatabase } from 'lmdb';
import { mkdirSync } from 'node:fs';
import {
  ClientRecordSchema,
  FederationRecordSchema,
  parseStored,
  ReceiptSchema,
  RoundCountSchema,
  type ClientRecord,
  type FederationRecord,
  type Receipt
} from './records.ts';
import { KEPT_CHUNK_VALUES, type FederationStore, type RoundSum, type UpdateBatch } from './store.ts';

type Key = (string | number)[];
// Above every client id and round number in key order (client ids are ASCII, rounds are small integers).
const END = '\uffff';

function bytesOf(v: Float32Array | Float64Array | Uint8Array): Buffer {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

/** A copy of stored bytes as float values of the given width (a copy: LMDB's buffers are reused). */
function float64Of(bytes: Uint8Array): Float64Array {
  const out = new Float64Array(bytes.byteLength / 8);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}
function float32Of(bytes: Uint8Array): Float32Array {
  const out = new Float32Array(bytes.byteLength / 4);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

export class LmdbFederationStore implements FederationStore {
  private readonly root: RootDatabase;
  private readonly federations: Database<unknown, string>;
  private readonly clients: Database<unknown, Key>;
  private readonly receipts: Database<unknown, Key>;
  private readonly rounds: Database<unknown, Key>;
  private readonly vectors: Database<Buffer, Key>;

  constructor(path: string) {
    mkdirSync(path, { recursive: true });
    this.root = open({ path, maxDbs: 8 });
    this.federations = this.root.openDB({ name: 'federations', encoding: 'json' });
    this.clients = this.root.openDB({ name: 'clients', encoding: 'json' });
    this.receipts = this.root.openDB({ name: 'receipts', encoding: 'json' });
    this.rounds = this.root.openDB({ name: 'rounds', encoding: 'json' });
    this.vectors = this.root.openDB({ name: 'vectors', encoding: 'binary' });
  }

  /** Runs `write` as one transaction and resolves once it is on disk. */
  private async write(write: () => void): Promise<void> {
    await this.root.transaction(write);
    await this.root.flushed;
  }

  async createFederation(federation: FederationRecord, clients: ClientRecord[]) {
    await this.write(() => {
      this.federations.put(federation.id, federation);
      for (const c of clients) this.clients.put([c.federationId, c.clientId], c);
    });
  }

  async getFederation(id: string) {
    const raw = this.federations.get(id);
    return raw === undefined ? undefined : parseStored(FederationRecordSchema, raw, `federation ${id}`);
  }

  async listFederations() {
    return [...this.federations.getRange()].map(({ key, value }) => parseStored(FederationRecordSchema, value, `federation ${key}`));
  }

  async listClients(federationId: string) {
    return [...this.clients.getRange({ start: [federationId], end: [federationId, END] })].map(({ key, value }) =>
      parseStored(ClientRecordSchema, value, `client ${key.join('/')}`)
    );
  }

  async putClient(client: ClientRecord) {
    await this.write(() => void this.clients.put([client.federationId, client.clientId], client));
  }

  async getWeights(federationId: string) {
    return this.vectors.get([federationId, 'weights']);
  }

  async openFirstRound(federation: FederationRecord, weights: Uint8Array) {
    await this.write(() => {
      this.vectors.put([federation.id, 'weights'], bytesOf(weights));
      this.federations.put(federation.id, federation);
    });
  }

  async getRoundSum(federationId: string, round: number): Promise<RoundSum | undefined> {
    const count = this.rounds.get([federationId, round]);
    const bytes = this.vectors.get([federationId, 'sum', round]);
    if (count === undefined || !bytes) return undefined;
    const { received } = parseStored(RoundCountSchema, count, `round ${federationId}/${round}`);
    return { received, sum: float64Of(bytes) };
  }

  async getReceipt(federationId: string, round: number, clientId: string) {
    const raw = this.receipts.get([federationId, round, clientId]);
    return raw === undefined ? undefined : parseStored(ReceiptSchema, raw, `receipt ${federationId}/${round}/${clientId}`);
  }

  async listReceipts(federationId: string, round: number): Promise<Receipt[]> {
    return [...this.receipts.getRange({ start: [federationId, round], end: [federationId, round, END] })].map(({ key, value }) =>
      parseStored(ReceiptSchema, value, `receipt ${key.join('/')}`)
    );
  }

  async commitUpdates(federationId: string, round: number, batch: UpdateBatch) {
    await this.write(() => {
      this.rounds.put([federationId, round], { received: batch.sum.received });
      this.vectors.put([federationId, 'sum', round], bytesOf(batch.sum.sum));
      for (const r of batch.receipts) this.receipts.put([federationId, round, r.clientId], r);
      for (const k of batch.kept ?? []) {
        for (let chunk = 0, start = 0; start < k.values.length; chunk++, start += KEPT_CHUNK_VALUES)
          this.vectors.put([federationId, 'kept', round, chunk, k.clientId], bytesOf(k.values.subarray(start, start + KEPT_CHUNK_VALUES)));
      }
    });
  }

  async readKeptChunk(federationId: string, round: number, chunk: number) {
    const range = this.vectors.getRange({ start: [federationId, 'kept', round, chunk], end: [federationId, 'kept', round, chunk, END] });
    return [...range].map(({ value }) => float32Of(value));
  }

  async closeRound(federation: FederationRecord, weights: Uint8Array, closedRound: number) {
    const id = federation.id;
    await this.write(() => {
      this.vectors.put([id, 'weights'], bytesOf(weights));
      this.federations.put(id, federation);
      this.rounds.remove([id, closedRound]);
      this.vectors.remove([id, 'sum', closedRound]);
      const kept = [...this.vectors.getKeys({ start: [id, 'kept', closedRound], end: [id, 'kept', closedRound, END] })];
      for (const key of kept) this.vectors.remove(key);
    });
  }

  async close() {
    await this.root.flushed;
    await this.root.close();
  }
}
