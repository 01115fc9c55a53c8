/**
 * The claim check: data too large to travel inline is stored, and the event carries `dataref` instead.
 * Cloud stores: S3, Blob Storage, Cloud Storage.
 */
import { randomUUID } from 'node:crypto';

export interface ClaimCheckStore {
  /** Stores the data's JSON text; returns the reference the event will carry as `dataref`. */
  put(eventId: string, json: string): Promise<string>;
  /** The JSON text stored under a reference. @throws when the reference is unknown. */
  get(ref: string): Promise<string>;
}

/** In memory, for `herald dev` and tests. */
export class InMemoryClaimCheckStore implements ClaimCheckStore {
  private readonly blobs = new Map<string, string>();

  async put(eventId: string, json: string): Promise<string> {
    const ref = `memory://claim-check/${eventId}/${randomUUID()}`;
    this.blobs.set(ref, json);
    return ref;
  }

  async get(ref: string): Promise<string> {
    const json = this.blobs.get(ref);
    if (json === undefined) throw new Error(`claim check ${ref} not found`);
    return json;
  }
}
