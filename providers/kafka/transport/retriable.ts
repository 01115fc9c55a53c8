/**
 * Retries an admin request that a broker may refuse for a moment: a topic just created has no leader yet
 * ("not the leader", "does not host this topic-partition"), a coordinator is still loading. kafkajs retries
 * some of these itself, not all (`admin.createTopics` waiting for leaders, `fetchTopicOffsets`).
 */
import { KafkaJSProtocolError } from 'kafkajs';

/** Runs `request`, again after a short wait while the broker answers with a retriable error, for up to `ms`. */
export async function retriable<T>(request: () => Promise<T>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (let wait = 100; ; wait = Math.min(wait * 2, 1_000)) {
    try {
      return await request();
    } catch (error) {
      const retry = error instanceof KafkaJSProtocolError ? error.retriable : (error as { retriable?: boolean }).retriable === true;
      if (!retry || Date.now() + wait > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}
