/**
 * Rebalance (issue 9): one `herald worker` consumes the chaos app while events flow, then a second one
 * joins. Its groups rebalance, moving partitions from the first worker to the second while deliveries are
 * under way; every event must still run exactly once per subscription (none lost, none handled twice), and
 * the second worker must have taken part of the work. Real broker, real worker processes (chaos/fleet.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { Kafka, logLevel } from 'kafkajs';
import { KAFKA_DEFAULTS } from '../../../providers/kafka/config';
import { kafkaClientConfig } from '../../../providers/kafka/transport/connection';
import { kafkaRuntime, type KafkaRuntime } from '../../../providers/kafka/transport/runtime';
import { newEnvelope } from '../../../runtime';
import { startKafkaBroker, type KafkaBroker } from '../../helpers/kafka-broker';
import { CHAOS_FUNCTIONS, ChaosEvent, chaosTopology } from './chaos/app';
import { Fleet } from './chaos/fleet';
import { HandlerLog } from './chaos/handler-log';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const silent = { debug() {}, info() {}, warn() {}, error() {} };
const PARTITIONS = 6;

describe('Kafka rebalance: a worker joins while events flow', function () {
  this.timeout(180_000);
  let broker: KafkaBroker;
  let dir: string;
  before(async () => {
    broker = await startKafkaBroker();
    dir = mkdtempSync(path.join(tmpdir(), 'herald-rebalance-'));
  });
  after(async () => {
    await broker?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('moves partitions to the new worker, and every event runs exactly once per subscription', async () => {
    // arrange: one worker, and a publisher that consumes nothing
    const t = chaosTopology();
    const stack = `rebalance-${randomUUID().slice(0, 8)}`;
    const logFile = path.join(dir, 'handlers.log');
    writeFileSync(logFile, '');
    const kafka = new Kafka({ ...kafkaClientConfig(broker.connection, 'rebalance-test'), logLevel: logLevel.NOTHING });
    const publisher: KafkaRuntime = await kafkaRuntime(t, { kafka, stack, topics: { ...KAFKA_DEFAULTS, partitions: PARTITIONS }, functions: [], schedules: false, logger: silent });
    const fleet = new Fleet({ brokers: broker.brokers, stack, partitions: PARTITIONS, logFile, dir });
    const log = new HandlerLog(logFile);
    try {
      const first = await fleet.start();
      const events = Array.from({ length: 1_200 }, (_, n) => newEnvelope(ChaosEvent, { key: `k${n % 64}`, n, poison: false }));

      // act: publish in batches over ~12 s; the second worker is started after the first 3 s of them
      let published = 0, joinedAt = -1;
      let second: Promise<{ pid: number }> | undefined;
      for (let batch = 0; published < events.length; batch++) {
        await publisher.runtime.publish(events.slice(published, published + 50));
        published += 50;
        if (batch === 6) second = fleet.start().then((w) => { joinedAt = published; return w; });
        await sleep(500);
      }
      const { pid: secondPid } = await second!;
      const deadline = Date.now() + 90_000;
      const settled = () => events.every((e) => CHAOS_FUNCTIONS.every((fn) => log.of(fn, e.id)?.okBy !== undefined));
      for (log.catchUp(); !settled() && Date.now() < deadline; log.catchUp()) await sleep(250);
      await fleet.stopAll();
      log.catchUp();

      // assert
      const runsOf = (pid: number) => [...log.runs.values()].reduce((n, byId) => n + [...byId.values()].filter((r) => r.okBy === pid).length, 0);
      console.log(`      ${events.length} events × ${CHAOS_FUNCTIONS.length} functions: ${runsOf(first.pid)} handled by the first worker, ${runsOf(secondPid)} by the one that joined (when ${joinedAt} had been published)`);
      for (const fn of CHAOS_FUNCTIONS) {
        const missing = events.filter((e) => log.of(fn, e.id)?.okBy === undefined).length;
        const twice = events.filter((e) => (log.of(fn, e.id)?.count ?? 0) > 1).length;
        expect(missing, `events ${fn} never handled`).to.equal(0);
        expect(twice, `events ${fn} handled more than once`).to.equal(0);
      }
      expect(log.lines, 'handler runs in all').to.equal(events.length * CHAOS_FUNCTIONS.length);
      expect(runsOf(secondPid), 'events the joining worker handled').to.be.greaterThan(0);
      expect(runsOf(first.pid), 'events the first worker handled').to.be.greaterThan(0);
    } finally {
      await fleet.stopAll(5_000);
      await publisher.stop(5_000);
    }
  });
});
