/**
 * Cron schedules, UTC: each schedule emits its event at every time its 5-field cron names, with
 * `{{scheduledTime}}` in string data replaced by that time (ISO 8601). Time comes from an injectable
 * clock, so tests fire a nightly schedule by moving a `ManualClock`. The cron was checked to be portable
 * by `validateTopology` (contracts/cron.ts); cron-parser computes the times.
 */
import { CronExpressionParser } from 'cron-parser';
import type { Envelope, EventDefinition, ScheduleSpec } from '../../contracts';
import { describe, newEnvelope } from '../../runtime';
import type { Clock, Timer } from './clock';

export interface SchedulerOptions {
  readonly clock: Clock;
  /** The definition of a wire type. @throws when unknown */
  readonly definition: (wireType: string) => EventDefinition<any>;
  /** Sends a fired event to the schedule's target. */
  readonly emit: (schedule: ScheduleSpec, envelope: Envelope) => void;
  /** A fire that could not be built (data that does not fit the schema). @default ignored */
  readonly onError?: (schedule: ScheduleSpec, reason: string) => void;
}

export class LocalScheduler {
  private readonly timers = new Map<string, Timer>();
  private readonly upcoming = new Map<string, number>();
  private running = false;

  constructor(private readonly schedules: readonly ScheduleSpec[], private readonly options: SchedulerOptions) {}

  /** Arms every schedule from the clock's current time. */
  start(): void {
    if (this.running) return;
    this.running = true;
    for (const s of this.schedules) this.arm(s);
  }

  /** Cancels every pending fire. */
  stop(): void {
    this.running = false;
    for (const timer of this.timers.values()) timer.cancel();
    this.timers.clear();
    this.upcoming.clear();
  }

  /** When a schedule fires next (undefined when stopped). */
  nextFire(name: string): Date | undefined {
    const at = this.upcoming.get(name);
    return at === undefined ? undefined : new Date(at);
  }

  private arm(schedule: ScheduleSpec): void {
    const { clock } = this.options;
    const due = nextTime(schedule.cron, clock.now());
    this.upcoming.set(schedule.name, due);
    this.timers.set(schedule.name, clock.setTimer(() => {
      if (!this.running) return;
      this.fire(schedule, due);
      this.arm(schedule);
    }, due - clock.now()));
  }

  private fire(schedule: ScheduleSpec, due: number): void {
    const scheduledTime = new Date(due).toISOString();
    let envelope: Envelope;
    try {
      const data = substitute(schedule.data, scheduledTime);
      envelope = newEnvelope(this.options.definition(schedule.emits), data, { time: scheduledTime });
    } catch (error) {
      this.options.onError?.(schedule, describe(error));
      return;
    }
    this.options.emit(schedule, envelope);
  }
}

/** The first time strictly after `after` (epoch ms) that a 5-field cron names, in UTC. */
export function nextTime(cron: string, after: number): number {
  return CronExpressionParser.parse(cron, { currentDate: new Date(after), tz: 'UTC' }).next().getTime();
}

/** `{{scheduledTime}}` replaced in every string of the data, at any depth. */
export function substitute(value: unknown, scheduledTime: string): unknown {
  if (typeof value === 'string') return value.split('{{scheduledTime}}').join(scheduledTime);
  if (Array.isArray(value)) return value.map((v) => substitute(v, scheduledTime));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, scheduledTime)]));
  }
  return value;
}
