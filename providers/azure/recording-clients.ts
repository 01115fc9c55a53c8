/**
 * Recording fakes of every Azure SDK client a function's entry can make, for `herald invoke --cloud
 * azure`: each call is printed as one JSON line (`{"sdk","call","target","input"}`) and answered as the
 * service answers a success, and nothing is sent, whatever credentials the shell has (no credential is
 * even made). Structural fakes: only the methods the runtime calls exist, and no Azure SDK is imported
 * here (only providers/azure/runtime/ imports it).
 */
import type { AzureClients } from './runtime/sdk';

/** What a fake client records of one call. */
export interface RecordedCall {
  readonly sdk: 'serviceBus' | 'eventGrid' | 'table' | 'blob';
  readonly call: string;
  /** The namespace and entity, endpoint, table or container it was made for. */
  readonly target: string;
  readonly input: unknown;
}

const offline = (what: string) => Object.assign(new Error(`offline: ${what} (herald invoke stores nothing)`), { statusCode: 404 });

/** A fake of each client factory, printing every call with `print`. */
export function recordingClients(print: (call: RecordedCall) => void): Required<AzureClients> {
  const serviceBus = (namespace: string) => ({
    createSender: (entity: string) => {
      const target = `${namespace}/${entity}`;
      return {
        async sendMessages(messages: unknown) {
          print({ sdk: 'serviceBus', call: 'sendMessages', target, input: messages });
        },
        async scheduleMessages(messages: unknown, scheduledEnqueueTimeUtc: Date) {
          print({ sdk: 'serviceBus', call: 'scheduleMessages', target, input: { messages, scheduledEnqueueTimeUtc: scheduledEnqueueTimeUtc.toISOString() } });
          return [];
        },
        async close() {},
      };
    },
  });
  const eventGrid = (endpoint: string) => ({
    async send(events: unknown) {
      print({ sdk: 'eventGrid', call: 'send', target: endpoint, input: events });
    },
  });
  const table = (endpoint: string, name: string) => {
    const target = `${endpoint}/${name}`;
    const record = (call: string) => async (...input: unknown[]) => {
      print({ sdk: 'table', call, target, input });
      return {};
    };
    return {
      createEntity: record('createEntity'), updateEntity: record('updateEntity'), upsertEntity: record('upsertEntity'), deleteEntity: record('deleteEntity'),
      async getEntity(...input: unknown[]) {
        print({ sdk: 'table', call: 'getEntity', target, input });
        throw offline('no entity');
      },
      listEntities: () => ({ async *[Symbol.asyncIterator]() {} }),
    };
  };
  const container = (endpoint: string, name: string) => {
    const url = `${endpoint.replace(/\/+$/, '')}/${name}`;
    return {
      url,
      getBlockBlobClient: (blob: string) => ({
        url: `${url}/${blob.split('/').map(encodeURIComponent).join('/')}`,
        async upload(body: unknown, length: number, options: unknown) {
          print({ sdk: 'blob', call: 'upload', target: `${url}/${blob}`, input: { body, length, options } });
          return {};
        },
        async downloadToBuffer() {
          throw offline(`no blob ${url}/${blob}`);
        },
      }),
    };
  };
  return {
    serviceBus: serviceBus as never, eventGrid: eventGrid as never,
    table: table as never, container: container as never,
  };
}

/** A recorded call as one JSON line: binary bodies (Buffers) as text. */
export function recordedLine(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
    const buffer = v as { type?: unknown; data?: unknown } | null;
    return buffer && buffer.type === 'Buffer' && Array.isArray(buffer.data) ? Buffer.from(buffer.data as number[]).toString('utf8') : v;
  });
}
