/**
 * What every cloud's `herald invoke --sample` shares: the events' definitions, and a webhook request signed
 * as its sender would sign it. Each cloud's `samples.ts` wraps these in its platform's native shapes.
 */
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
