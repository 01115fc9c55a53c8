/**
 * What every cloud's `herald invoke --sample` shares: the events' definitions, and a webhook request signed
 * as its sender would sign it. Each cloud's `samples.ts` wraps these in its platform's native shapes.
 */
import * as path from 'node:path';
import type { EventDefinition, Topology, WebhookSpec } from '../contracts';
import { exampleData } from '../runtime/examples';
import { signatureHeaders } from '../runtime/signature';

/** The secret a webhook sample is signed with when its variable is not set (the notes say to set it). */
export const SAMPLE_SECRET = 'example-secret';

/** The definition of a wire type the topology declares. @throws Error naming it when it declares none */
export function definitionOf(t: Topology, wireType: string): EventDefinition<any> {
  const d = t.events.find((e) => e.wireType === wireType);
  if (!d) throw new Error(`the topology ${t.name} declares no event ${wireType}`);
  return d;
}

/**
 * A request to a webhook: an example of the event it emits as the JSON body, signed with the secret from
 * its variable, or with SAMPLE_SECRET and a note saying how to invoke it so the signature holds.
 * @throws SchemaValidationError when no valid example of the event can be made (see runtime/examples.ts)
 */
export function signedWebhookSample(t: Topology, spec: WebhookSpec, env: NodeJS.ProcessEnv): { data: unknown; body: string; headers: Record<string, string>; notes: string[] } {
  const data = exampleData(definitionOf(t, spec.emits));
  // The signature is over the body's bytes: the body is the data as JSON.stringify writes it.
  const body = JSON.stringify(data);
  const secret = env[spec.verify.secretEnv];
  const notes = secret ? [] : [`${spec.verify.secretEnv} is not set: the request is signed with "${SAMPLE_SECRET}"; invoke it with ${spec.verify.secretEnv}=${SAMPLE_SECRET}`];
  return { data, body, headers: signatureHeaders(spec.verify.scheme, body, secret ?? SAMPLE_SECRET), notes };
}

/** Content types by file extension: what a stored object's metadata would say, offline. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.webp': 'image/webp',
  '.json': 'application/json', '.txt': 'text/plain', '.csv': 'text/csv', '.pdf': 'application/pdf',
};

/** The content type of an object key, guessed from its extension. */
export function contentTypeOf(key: string): string {
  return CONTENT_TYPES[path.extname(key).toLowerCase()] ?? 'application/octet-stream';
}

/** A file extension for a content type (`.bin` for one it does not know). */
export function extensionOf(contentType: string): string {
  return Object.entries(CONTENT_TYPES).find(([, type]) => type === contentType.toLowerCase())?.[0] ?? '.bin';
}

/**
 * The object an upload sample carries, on every cloud: an example of the event the upload emits gives its
 * content type and size (when its schema has them), and its name is `<prefix>example<extension>`.
 * @throws SchemaValidationError when no valid example of the event can be made (see runtime/examples.ts)
 */
export function uploadedObject(t: Topology, emits: string, prefix: string): { name: string; contentType: string; size: number } {
  const example = exampleData(definitionOf(t, emits)) as { contentType?: unknown; size?: unknown };
  const contentType = typeof example.contentType === 'string' ? example.contentType : 'application/octet-stream';
  return { name: `${prefix}example${extensionOf(contentType)}`, contentType, size: typeof example.size === 'number' ? example.size : 1024 };
}
