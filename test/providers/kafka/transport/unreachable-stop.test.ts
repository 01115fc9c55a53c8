/**
 * A stop while the cluster cannot be reached ends by itself: within its grace period plus its leave bound (or the
 * leave bound after a hurry), saying that it gave up leaving, with what it had not settled. The broker is made
 * unreachable by stopping its JVM (SIGSTOP): connections stay open and nothing answers, as in a network partition,
 * where every kafkajs request waits out its own timeout and retries.
 */
import { expect } from 'chai';
import { Kafka, logLevel } from 'kafkajs';
import { on, topology } from '../../../../contracts';
import { kafkaRuntime, type KafkaRuntime } from '../../../../providers/kafka/transport/runtime';
import { startKafkaBroker, type KafkaBroker } from '../../../helpers/kafka-broker';
import { Tick, tick, until } from '../../local/fixtures';

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const LEAVE_MS = 2_000;
/** What a stop may take past its bound: timers, and the event loop of a busy machine. */
const SLACK_MS = 1_500;

describe('kafka runtime stop with the cluster unreachable', function () {
  this.timeout(120_000);
  let broker: KafkaBroker;
  let kafka: Kafka;
  let frozen = false;
  const freeze = () => { process.kill(broker.pid, 'SIGSTOP'); frozen = true; };
  const thaw = () => { if (frozen) process.kill(broker.pid, 'SIGCONT'); frozen = false; };
  before(async () => {
    broker = await startKafkaBroker();
    kafka = new Kafka({ clientId: 'unreachable-stop-test', brokers: broker.brokers, logLevel: logLevel.NOTHING });
  });
  afterEach(thaw);
  after(async () => {
    thaw();
    await broker?.stop();
  });

  /** A runtime whose handler takes `handlerMs` per event, with the given events in flight. */
  async function inFlight(stack: string, events: number, handlerMs: number): Promise<KafkaRuntime> {
    const app = topology('unreachable');
    app.fn('sink', { handler: 'h.ts' }).subscribe(app.bus('b'), { events: [Tick], name: 'sink-b' });
    let begun = 0;
    const runtime = await kafkaRuntime(app.build(), {
      kafka, stack, logger: silent, schedules: false, leaveMs: LEAVE_MS,
      topics: { partitions: 2, replicationFactor: 1, minInsyncReplicas: 1, retentionMs: 3_600_000 },
      handlers: { sink: on(Tick, async () => { begun++; await new Promise((resolve) => setTimeout(resolve, handlerMs)); }) },
    });
    await runtime.runtime.publish(Array.from({ length: events }, (_, n) => tick(n)));
    await until(() => begun === events, 20_000, 'every event to be in flight');
    return runtime;
  }

  it('gives up leaving the cluster once the grace period and the leave bound are over, reporting what was not settled', async () => {
    const runtime = await inFlight('frozen-grace', 3, 4_000);
    freeze();
    const started = Date.now();
    const report = await runtime.stop(1_000);
    const tookMs = Date.now() - started;
    expect(tookMs, 'stop took').to.be.within(1_000 + LEAVE_MS - 100, 1_000 + LEAVE_MS + SLACK_MS);
    expect(report.unclosed).to.match(/could not commit and leave the cluster within 2000 ms/);
    expect(report.timedOut).to.equal(true);
    expect(report.undelivered.map((u) => u.state)).to.deep.equal(['in-flight', 'in-flight', 'in-flight']);
  });

  it('gives up leaving the cluster the leave bound after a hurry cut the grace period short', async () => {
    const runtime = await inFlight('frozen-hurry', 2, 6_000);
    freeze();
    const hurry = new AbortController();
    const started = Date.now();
    setTimeout(() => hurry.abort(), 500);
    const report = await runtime.stop(60_000, hurry.signal);
    const tookMs = Date.now() - started;
    expect(tookMs, 'stop took').to.be.within(500 + LEAVE_MS - 100, 500 + LEAVE_MS + SLACK_MS);
    expect(report.unclosed).to.match(/could not commit and leave the cluster/);
    expect(report.undelivered).to.have.length(2);
  });

  it('leaves a reachable cluster without giving up', async () => {
    const runtime = await inFlight('reachable', 2, 200);
    const report = await runtime.stop(5_000);
    expect(report).to.deep.equal({ timedOut: false, undelivered: [] });
  });
});
