/**
 * Recording fakes of the Google Cloud clients a function's entry can build, for `herald invoke --cloud
 * gcp`: each call is printed as one JSON line (`{"sdk","call",…}`) and answered as the service answers a
 * success, and nothing is sent, whatever credentials or emulator the shell has. Only the methods the
 * runtime calls exist: Pub/Sub `topic(name).publishMessage()` (dead letters; events are printed by
 * `herald invoke`'s own publisher), Cloud Storage `bucket(b).file(n).save()` and `.download()` (claim
 * checks). Firestore is not faked: `herald invoke` deduplicates in memory (one invocation has no earlier
 * deliveries).
 */
import type { GcpClients } from './runtime/sdk';

/** What a fake client records of one call. */
export type RecordedCall =
  | { readonly sdk: 'pubsub'; readonly call: 'publishMessage'; readonly topic: string; readonly data: string; readonly attributes: Record<string, string>; readonly orderingKey?: string }
  | { readonly sdk: 'storage'; readonly call: 'save'; readonly bucket: string; readonly name: string; readonly contents: string; readonly contentType?: string }
  | { readonly sdk: 'storage'; readonly call: 'download'; readonly bucket: string; readonly name: string };

interface Message {
  readonly data?: Buffer;
  readonly attributes?: Record<string, string>;
  readonly orderingKey?: string;
}

/** A fake of each client `herald invoke` lets the entry build, printing every call with `print`. */
export function recordingClients(print: (call: RecordedCall) => void): Required<Pick<GcpClients, 'pubsub' | 'storage'>> {
  let sequence = 0;
  const pubsub = {
    topic: (topic: string) => ({
      async publishMessage(message: Message): Promise<string> {
        print({
          sdk: 'pubsub', call: 'publishMessage', topic, data: (message.data ?? Buffer.alloc(0)).toString('utf8'),
          attributes: { ...message.attributes }, ...(message.orderingKey ? { orderingKey: message.orderingKey } : {}),
        });
        return `offline-${++sequence}`;
      },
      resumePublishing() {},
    }),
  };
  const storage = {
    bucket: (bucket: string) => ({
      file: (name: string) => ({
        async save(contents: string | Buffer, options: { contentType?: string } = {}): Promise<void> {
          print({ sdk: 'storage', call: 'save', bucket, name, contents: contents.toString(), ...(options.contentType ? { contentType: options.contentType } : {}) });
        },
        async download(): Promise<[Buffer]> {
          print({ sdk: 'storage', call: 'download', bucket, name });
          throw Object.assign(new Error(`offline: no object gs://${bucket}/${name} (herald invoke stores nothing)`), { code: 404 });
        },
      }),
    }),
  };
  // Structural fakes: only these methods are ever called on a client.
  return { pubsub: pubsub as never, storage: storage as never };
}
