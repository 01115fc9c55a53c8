/**
 * How a Herald handler meets the Functions Framework. A bundle's generated entry (providers/gcp/bundle.ts)
 * calls `functionMain(handler)` (function-main.ts) or `ingressMain(topology, { kind })` (ingress-main.ts),
 * which builds the handler and registers it under `GCP_ENTRY_POINT`, the deploy side's
 * `buildConfig.entryPoint`, through these adapters (two modules, so a user function's bundle carries no
 * ingress code):
 * - `http()` for push deliveries, webhooks, uploads (pushed notifications) and schedules: the handler's
 *   answer becomes the HTTP status (2xx acknowledges a push), with a JSON body except for 204;
 * - `cloudEvent()` for Firestore's Eventarc events: the framework reads the CloudEvent (binary or
 *   structured mode); a failure the event should come back for throws, which the framework answers 500.
 * The framework is required here only, when a bundle loads: tests and `herald invoke` use the handlers.
 * @see https://github.com/GoogleCloudPlatform/functions-framework-nodejs/blob/main/docs/generated/api.md
 */
import type * as FunctionsFramework from '@google-cloud/functions-framework';
import type { GcpRequest } from './entry';
import type { IngressAnswer } from './ingress';

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const framework = (): typeof FunctionsFramework => require('@google-cloud/functions-framework');

type Answering = (request: GcpRequest) => Promise<IngressAnswer>;

/** An Express handler around a Herald handler. */
export function httpFunction(handle: Answering): FunctionsFramework.HttpFunction {
  return async (req, res) => {
    let answer: IngressAnswer;
    try {
      answer = await handle({ method: req.method, headers: req.headers, body: req.body, ...(req.rawBody ? { rawBody: req.rawBody } : {}) });
    } catch (error) {
      // A config that cannot be read, a topology without the schedule: nothing a retry fixes, but say so loudly.
      console.error(JSON.stringify({ level: 'error', message: 'function failed', error: (error as Error).message }));
      res.status(500).json({ error: (error as Error).message });
      return;
    }
    if (answer.status === 204) res.status(204).end();
    else res.status(answer.status).json(answer.body ?? { outcome: answer.outcome, ...(answer.reason ? { reason: answer.reason } : {}) });
  };
}

/** A CloudEvent handler around a Herald handler: an answer of 5xx (the event should come back) throws. */
export function cloudEventFunction(handle: Answering): FunctionsFramework.CloudEventFunction {
  return async (event) => {
    const answer = await handle({ headers: {}, body: event });
    if (answer.status >= 500) throw new Error(answer.reason ?? `failed with ${answer.status}`);
  };
}
