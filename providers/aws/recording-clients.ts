/**
 * Recording fakes of every AWS SDK client a function's entry can build, for `herald invoke`: each call is
 * printed as one JSON line (`{"sdk","command","input"}`) and answered as AWS answers a success, and
 * nothing is sent, whatever credentials or endpoint the shell has. Commands are named by their class
 * (`ChangeMessageVisibilityCommand` → `ChangeMessageVisibility`), so the fakes need no SDK import.
 */
import { contentTypeOf } from '../samples';
import type { AwsClients } from './runtime/sdk';

/** What a fake client records of one call. */
export interface RecordedCall {
  readonly sdk: keyof AwsClients;
  readonly command: string;
  readonly input: Record<string, any>;
}

interface Command {
  readonly input: Record<string, any>;
}

/** The answer to a successful call; `id` makes the message, event and record ids a service assigns. */
type Answer = (command: string, input: Record<string, any>, id: () => string) => unknown;

const ANSWERS: Readonly<Record<keyof AwsClients, Answer>> = {
  sqs: (command, input, id) => {
    if (command === 'SendMessage') return { MessageId: id() };
    if (command === 'SendMessageBatch') return { Successful: (input.Entries ?? []).map((e: { Id: string }) => ({ Id: e.Id, MessageId: id() })), Failed: [] };
    return {};
  },
  eventBridge: (command, input, id) => (command === 'PutEvents' ? { FailedEntryCount: 0, Entries: (input.Entries ?? []).map(() => ({ EventId: id() })) } : {}),
  sns: (command, input, id) => {
    if (command === 'PublishBatch') return { Successful: (input.PublishBatchRequestEntries ?? []).map((e: { Id: string }) => ({ Id: e.Id, MessageId: id() })), Failed: [] };
    return command === 'Publish' ? { MessageId: id() } : {};
  },
  kinesis: (command, input) => (command === 'PutRecords'
    ? { FailedRecordCount: 0, Records: (input.Records ?? []).map((_: unknown, i: number) => ({ SequenceNumber: String(i + 1), ShardId: 'shardId-000000000000' })) }
    : {}),
  // Every claim is new: one invocation offline has no earlier deliveries to remember.
  dynamodb: () => ({}),
  s3: (command, input) => {
    if (command === 'HeadObject') return { ContentType: contentTypeOf(String(input.Key ?? '')), ContentLength: 0 };
    if (command === 'GetObject') throw Object.assign(new Error(`offline: no object ${input.Key} (herald invoke stores nothing)`), { name: 'NoSuchKey' });
    return {};
  },
};

/** A fake of each client, printing every call with `print`. */
export function recordingClients(print: (call: RecordedCall) => void): Required<AwsClients> {
  let sequence = 0;
  const id = () => `offline-${++sequence}`;
  const fake = (sdk: keyof AwsClients) => ({
    async send(command: Command) {
      const name = command.constructor.name.replace(/Command$/, '');
      print({ sdk, command: name, input: command.input });
      return ANSWERS[sdk](name, command.input, id);
    },
  });
  // Structural fakes: only `send` is ever called on a client.
  return {
    sqs: fake('sqs') as never, eventBridge: fake('eventBridge') as never, sns: fake('sns') as never,
    kinesis: fake('kinesis') as never, dynamodb: fake('dynamodb') as never, s3: fake('s3') as never,
  };
}

/** A recorded call as one JSON line: binary payloads (Kinesis data, S3 bodies) as text. */
export function recordedLine(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
    const buffer = v as { type?: unknown; data?: unknown } | null;
    return buffer && buffer.type === 'Buffer' && Array.isArray(buffer.data) ? Buffer.from(buffer.data as number[]).toString('utf8') : v;
  });
}
