/**
 * Creates topics on a test broker and waits until every partition answers: right after `createTopics`
 * (even with `waitForLeaders`) a fresh KRaft broker still answers some requests NOT_LEADER or
 * UNKNOWN_TOPIC_OR_PARTITION for a moment. The code under test retries those where a user would meet them;
 * the tests' own plain clients, and a worker's claims store, should not have to.
 */
import type { Kafka, KafkaMessage } from 'kafkajs';

/** Creates `topics` (each once) with `partitions` partitions; resolves once each answers an offsets request. */
export async function createReadyTopics(kafka: Kafka, topics: Iterable<string>, partitions: number): Promise<void> {
  const names = [...new Set(topics)];
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: names.map((topic) => ({ topic, numPartitions: partitions })), waitForLeaders: false });
    for (let tries = 0; ; tries++) {
      try {
        const { topics: meta } = await admin.fetchTopicMetadata({ topics: names });
        if (!meta.every((t) => t.partitions.length === partitions && t.partitions.every((p) => p.leader >= 0))) throw new Error('no leader yet');
        for (const topic of names) await admin.fetchTopicOffsets(topic);
        return;
      } catch (error) {
        if (tries >= 100) throw new Error(`the topics were not ready within 10 s: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  } finally {
    await admin.disconnect();
  }
}

/** Reads `count` records of `topic` from its start, in a throwaway group (waits until there are that many). */
export async function readAll(kafka: Kafka, topic: string, count: number): Promise<KafkaMessage[]> {
  const consumer = kafka.consumer({ groupId: `check-${topic}-${Math.random()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    const messages: KafkaMessage[] = [];
    await new Promise<void>((resolve) => {
      void consumer.run({ eachMessage: async ({ message }) => { messages.push(message); if (messages.length >= count) resolve(); } });
    });
    return messages;
  } finally {
    await consumer.disconnect();
  }
}
