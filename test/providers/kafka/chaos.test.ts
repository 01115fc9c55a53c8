/**
 * Chaos (issue 9), the `npm test` size: three `herald worker` processes on a real broker, about 1,500
 * events (5 % poison) published while one worker is killed with SIGKILL five times and the broker restarts
 * once. Nothing may be lost, no handler may run again after a success, and the figures are printed. The
 * full size (20,000 events) is `npm run chaos` (chaos/main.ts), the same runner.
 */
import { expect } from 'chai';
import { startKafkaBroker, type KafkaBroker } from '../../helpers/kafka-broker';
import { runChaos } from './chaos/run';

describe('Kafka chaos: workers killed and the broker restarted while events flow', function () {
  this.timeout(300_000);
  let broker: KafkaBroker;
  before(async () => {
    broker = await startKafkaBroker();
  });
  after(async () => broker?.stop());

  it('loses nothing and re-runs no handler whose success was recorded, through 5 kill -9s and a broker restart', async () => {
    // act
    const report = await runChaos({ broker, events: 1_500, publishOverMs: 60_000, timeoutMs: 120_000, progress: (line) => console.log(`        ${line}`) });

    // assert
    console.log(`      ${report.line}`);
    console.log(`      ${report.handlerRuns} handler runs, ${report.eventsPerSecond.toFixed(0)} events/s, duplicates by function ${JSON.stringify(report.duplicatesBy)}, `
      + `runs after a success ${JSON.stringify(report.reRunsBy)}, poison runs past maxAttempts ${report.extraPoisonRuns}`);
    expect(report.kills).to.equal(5);
    expect(report.brokerRestarts).to.equal(1);
    expect(report.lost, 'events lost (or dead-lettered with the wrong attempts)').to.equal(0);
    expect(report.wronglyBuried, 'good events dead-lettered').to.equal(0);
    expect(report.reRuns, `handler runs after a recorded success (evidence in ${report.evidence})`).to.equal(0);
  });
});
