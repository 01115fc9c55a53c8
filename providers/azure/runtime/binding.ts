/**
 * What the Functions host hands a handler, in one shape for every trigger (and the shape of a `herald
 * invoke --cloud azure` event file): the trigger's input and the invocation's `triggerMetadata`, as the
 * v4 Node.js library exposes them (keys camel-cased by the library). Each binding decodes it into the
 * neutral records of runtime/binding.ts and encodes envelopes into it (tests, samples).
 * @see https://learn.microsoft.com/azure/azure-functions/functions-reference-node?pivots=nodejs-model-v4#invocation-context
 */
import type { Envelope } from '../../../contracts';
import type { InboundRecord } from '../../../runtime/binding';

export type { InboundRecord } from '../../../runtime/binding';

/** The input and trigger metadata of one invocation. */
export interface AzureDelivery<Input = unknown> {
  readonly input: Input;
  readonly triggerMetadata?: Readonly<Record<string, unknown>>;
}

/** A trigger's binding: the records of one invocation, and a sample invocation made from envelopes. */
export interface AzureBinding<Input = unknown, EncodeOptions = Record<string, never>> {
  readonly name: string;
  /**
   * @param sourceKey the delivery plan's source key of the trigger's source (the entry registers one
   *   trigger per source, so it knows it); undefined for a push
   */
  decode(delivery: AzureDelivery<Input>, sourceKey?: string): InboundRecord[];
  encode(envelopes: readonly Envelope[], options?: EncodeOptions): AzureDelivery<Input>;
}

/** JSON text of an input the host handed over parsed (JSON), as text, or as bytes. */
export function textOf(input: unknown): string {
  if (typeof input === 'string') return input;
  if (input instanceof Uint8Array) return Buffer.from(input).toString('utf8');
  if (input instanceof ArrayBuffer) return Buffer.from(input).toString('utf8');
  return JSON.stringify(input) ?? '';
}

/** The payload the pipeline decodes: an object as it is, text or bytes as text. */
export function payloadOf(input: unknown): string | object {
  return typeof input === 'object' && input !== null && !(input instanceof Uint8Array) && !(input instanceof ArrayBuffer) ? input : textOf(input);
}

/** A record's metadata value, when it is a string. */
export function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The placeholder subscription, resource group and region of what Herald builds itself (tests, `herald invoke`). */
export const SAMPLE_SUBSCRIPTION = '00000000-0000-0000-0000-000000000000';
export const SAMPLE_RESOURCE_GROUP = 'herald';
export const SAMPLE_REGION = 'westeurope';
