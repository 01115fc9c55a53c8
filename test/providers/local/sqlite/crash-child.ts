/**
 * The child process of crash.test.ts: opens a sqlite transport on the state file given as its argument,
 * consumes the crash app, and publishes Ticks in batches of 50 until it is killed. It prints one JSON
 * line per fact, each written before the code goes on: `{"accepted": [ids], "from": n}` once a publish resolved,
 * `{"start": sub, "id", "attempt"}` when a delivery reaches its consumer, `{"answer": sub, "id", "attempt",
 * "kind"}` when the consumer answers, `{"letter": sub, "id", "attempts"}` for a dead letter.
 */
import { writeSync } from 'node:fs';
import { tick } from '../fixtures';
import { answers, crashApp } from './crash-app';
import { openTransport } from './harness';

/**
 * Writes one line before returning, so a fact printed is the parent's whenever the kill comes. Not
 * process.stdout: on a pipe it queues in this process when the pipe is full, and SIGKILL loses the queue.
 */
function print(fact: object): void {
  const line = Buffer.from(`${JSON.stringify(fact)}\n`);
  for (let at = 0; at < line.length;) {
    try {
      at += writeSync(1, line, at);
    } catch (error) {
      // The pipe is full and non-blocking: wait for the parent to read.
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
    }
  }
}

async function main(file: string): Promise<void> {
  const { topology, bus } = crashApp();
  const running = openTransport(topology, file, (l) => print({ letter: l.subscription, id: l.id, attempts: l.attempts }));
  for (const [subscription, answer] of Object.entries(answers)) {
    await running.consume(subscription, async (e, attempt) => {
      print({ start: subscription, id: e.id, attempt });
      const outcome = await answer(e, attempt);
      print({ answer: subscription, id: e.id, attempt, kind: outcome.kind });
      return outcome;
    });
  }
  for (let n = 1; n <= 100_000; n += 50) {
    const batch = Array.from({ length: 50 }, (_, i) => tick(n + i));
    await running.transport.publish(bus, batch);
    print({ accepted: batch.map((e) => e.id), from: n });
  }
}

main(process.argv[2]!).catch((error: unknown) => {
  process.stderr.write(`crash child: ${String(error)}\n`);
  process.exit(1);
});
