/**
 * The chaos run's verdict, from the handlers' log (handler-log.ts) and the dead-letter, outcomes and claims topics
 * (observer.ts), per subscription of the chaos app:
 * - lost: a good event with no `ok` run, or a poison event with no dead-letter record (or one whose
 *   `herald-attempts` is not the channel's maxAttempts);
 * - re-runs: handler runs of an event after a success the claims topic recorded (what the claims store
 *   exists to prevent). A success it never recorded, because its worker was killed between the handler's
 *   return and the claim's acknowledgement, is run again by the partition's next owner: at-least-once,
 *   as claims.ts says. Those are counted apart (`unrecordedReRuns`): per event, the successful runs
 *   beyond the processes that wrote a `completed` claim for it (a bundle written twice is one process's);
 * - wrongly buried: a good event dead-lettered.
 * The run waits until nothing is lost, then judges again once the workers stopped and every topic was read.
 */
import type { Channel } from '../../../../contracts';
import type { HandlerLog } from './handler-log';
import type { Observer } from './observer';

/** One published event, as the verdict needs it. */
export interface Published {
  readonly id: string;
  readonly poison: boolean;
}

export interface Verdict {
  /** Events not settled as they must be, per subscription (dead letters with the wrong attempts included). */
  readonly lost: number;
  /** Up to 5 ids of them per function, for the message. */
  readonly lostSample: Record<string, string[]>;
  /** Dead letters whose `herald-attempts` is not maxAttempts. */
  readonly wrongAttempts: number;
  readonly reRuns: number;
  /** Re-runs of a success its killed worker never recorded (the at-least-once window). */
  readonly unrecordedReRuns: number;
  /** Runs after a success (recorded or not) per `function: process that succeeded → process that ran it again`. */
  readonly reRunsBy: Record<string, number>;
  /** Good events dead-lettered. */
  readonly wronglyBuried: number;
  /** Handler runs of poison events beyond maxAttempts per subscription (attempts counted afresh after a kill). */
  readonly extraPoisonRuns: number;
}

/** Judges the run as far as the log and the observer have read. */
export function judge(events: readonly Published[], channels: readonly Channel[], log: HandlerLog, observer: Observer): Verdict {
  let lost = 0, wrongAttempts = 0, reRuns = 0, unrecordedReRuns = 0, wronglyBuried = 0, extraPoisonRuns = 0;
  const lostSample: Record<string, string[]> = {};
  const reRunsBy: Record<string, number> = {};
  const miss = (fn: string, id: string) => {
    lost++;
    const sample = (lostSample[fn] ??= []);
    if (sample.length < 5) sample.push(id);
  };
  for (const channel of channels) {
    const fn = channel.function;
    for (const { id, poison } of events) {
      const runs = log.of(fn, id);
      const letters = observer.lettersOf(channel.subscription, id);
      if (runs?.after) {
        const unrecorded = Math.min(runs.after, Math.max(0, runs.oks - observer.completedClaims(fn, id)));
        unrecordedReRuns += unrecorded;
        reRuns += runs.after - unrecorded;
        for (const pid of runs.againBy) {
          const pair = `${fn}: ${runs.okBy} → ${pid}`;
          reRunsBy[pair] = (reRunsBy[pair] ?? 0) + 1;
        }
      }
      if (!poison) {
        if (runs?.okBy === undefined) miss(fn, id);
        if (letters.length) wronglyBuried++;
        continue;
      }
      if (!letters.length) miss(fn, id);
      wrongAttempts += letters.filter((l) => l.attempts !== channel.maxAttempts).length;
      extraPoisonRuns += Math.max(0, (runs?.count ?? 0) - channel.maxAttempts);
    }
  }
  return { lost: lost + wrongAttempts, lostSample, wrongAttempts, reRuns, unrecordedReRuns, reRunsBy, wronglyBuried, extraPoisonRuns };
}
