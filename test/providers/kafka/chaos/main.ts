/**
 * `npm run chaos`: the full-size chaos run of issue 9 (20,000 events, 5 % poison, five kill -9s and a
 * broker restart) on a broker of its own, with the runner chaos.test.ts uses at the `npm test` size.
 * HERALD_CHAOS_EVENTS sets another size. Prints progress and the `chaos: …` line; exits 1 when anything
 * was lost, dead-lettered wrongly or run again after a recorded success.
 */
import { startKafkaBroker } from '../../../helpers/kafka-broker';
import { runChaos } from './run';

async function main(): Promise<number> {
  const events = Number(process.env.HERALD_CHAOS_EVENTS ?? 20_000);
  if (!Number.isSafeInteger(events) || events < 20) throw new RangeError(`HERALD_CHAOS_EVENTS is "${process.env.HERALD_CHAOS_EVENTS}"; give a whole number ≥ 20`);
  const broker = await startKafkaBroker();
  try {
    const report = await runChaos({
      broker, events, publishOverMs: 60_000, timeoutMs: 900_000,
      progress: (line) => console.log(`  ${line}`),
    });
    console.log(`  ${report.handlerRuns} handler runs, ${report.eventsPerSecond.toFixed(0)} events/s over the run; duplicates by function ${JSON.stringify(report.duplicatesBy)}`);
    console.log(`  runs after a success, by function and process: ${JSON.stringify(report.reRunsBy)}; poison runs past maxAttempts: ${report.extraPoisonRuns}`);
    console.log(report.line);
    const bad = report.lost + report.reRuns + report.wronglyBuried;
    if (bad) console.log(`FAILED: lost=${report.lost} re-runs=${report.reRuns} wrongly-dead-lettered=${report.wronglyBuried}; evidence in ${report.evidence}`);
    return bad ? 1 : 0;
  } finally {
    await broker.stop();
  }
}

main().then((code) => process.exit(code), (error: unknown) => {
  console.error(`chaos: ${(error as Error).stack ?? String(error)}`);
  process.exit(1);
});
