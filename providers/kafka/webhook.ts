/**
 * webhook → no cluster resource: Kafka serves no HTTP. The Herald process's HTTP server verifies the
 * signature (the secret from its environment) and publishes the event to the webhook's bus or topic.
 */
import type { Realized, WebhookSpec } from '../../contracts';
import { publishTopic, runByProcess } from './ingress';
import type { KafkaNames } from './topics';

export function kafkaWebhook(spec: WebhookSpec, names: KafkaNames): Realized {
  return runByProcess({ path: spec.path, method: spec.method, publishesTo: publishTopic(names, spec.to) });
}
