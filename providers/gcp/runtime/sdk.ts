/**
 * The Google Cloud client libraries, loaded on first use with a plain `require`: an instance start pays only
 * for the clients its requests touch (a function that publishes nothing never loads Pub/Sub's gRPC stack),
 * and the bundle keeps `@google-cloud/*` external (its package.json lists them; providers/gcp/bundle.ts).
 * Each client is created with the default configuration: the function's service account through the
 * metadata server, and `PUBSUB_EMULATOR_HOST` (tests) when it is set.
 */
import type { Firestore } from '@google-cloud/firestore';
import type { PubSub } from '@google-cloud/pubsub';
import type { Storage } from '@google-cloud/storage';
import type { Lazy } from '../../../runtime/lazy';

/**
 * Clients a function's entry may use, injectable (tests, `herald invoke`'s recording fakes); each one not
 * given is created on first use.
 */
export interface GcpClients {
  readonly pubsub?: Lazy<PubSub>;
  readonly firestore?: Lazy<Firestore>;
  readonly storage?: Lazy<Storage>;
}

/* eslint-disable @typescript-eslint/no-require-imports */
export const sdk = {
  pubsub: (): typeof import('@google-cloud/pubsub') => require('@google-cloud/pubsub'),
  firestore: (): typeof import('@google-cloud/firestore') => require('@google-cloud/firestore'),
  storage: (): typeof import('@google-cloud/storage') => require('@google-cloud/storage'),
};

/** A Pub/Sub client for `project`. */
export function newPubSub(project: string): PubSub {
  return new (sdk.pubsub().PubSub)({ projectId: project });
}
