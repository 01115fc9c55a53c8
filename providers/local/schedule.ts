/**
 * Cron schedules, UTC: each schedule emits its event at every time its 5-field cron names, built by
 * runtime/ingress-events.ts as on every target (`{{scheduledTime}}` in string data replaced by that time,
 * id `<schedule>@<time>`). Data that cannot fit the event is refused when the scheduler is made. Time
 * comes from an injectable clock, so tests fire a nightly schedule by moving a `ManualClock`. The cron was
 * checked to be portable by `validateTopology` (contracts/cron.ts); cron-parser computes the times.
 */
import { CronExpressionParser } from 'cron-parser';
import { TopologyError, type Envelope, type EventDefinition, type ScheduleSpec } from '../../contracts';
import { describe, scheduleDataIssues, scheduledEvent, scheduledTimeOf } from '../../runtime';
import type { Clock, Timer } from './clock';

export interface SchedulerOptions {
  readonly clock: Clock;
  /** The definition of a wire type. @throws when unknown */
  readonly definition: (wireType: string) => EventDefinition<any>;
  /** Sends a fired event to the schedule's target. */
  readonly emit: (schedule: ScheduleSpec, envelope: Envelope) => void;
  /**
   * A run whose data does not fit the schema with its actual time (a schema that reads the time; data
   * that fits no time was refused up front). @default ignored
   */
  readonly onError?: (schedule: ScheduleSpec, reason: string) => void;
}

export class LocalScheduler {
  private readonly timers = new Map<string, Timer>();
  private readonly upcoming = new Map<string, number>();
  private running = false;

  /** @throws TopologyError naming each schedule whose data does not fit its event */
  constructor(private readonly schedules: readonly ScheduleSpec[], private readonly options: SchedulerOptions) {
    const issues = scheduleDataIssues(schedules, options.definition);
    if (issues.length) throw new TopologyError(issues);
  }

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

  /**
   * The event a schedule emits when it runs at `at` (epoch ms), built as a timed run builds it: for
   * firing one on demand (`herald fire`).
   * @throws Error naming the schedule when there is none by that name, or when its data does not fit its event at that time
   */
  eventAt(name: string, at: number = this.options.clock.now()): { schedule: ScheduleSpec; envelope: Envelope } {
    const schedule = this.schedules.find((s) => s.name === name);
    if (!schedule) throw new UnknownScheduleError(name, this.schedules.map((s) => s.name));
    return { schedule, envelope: scheduledEvent(this.options.definition(schedule.emits), schedule, scheduledTimeOf(at)) };
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
    let envelope: Envelope;
    try {
      envelope = scheduledEvent(this.options.definition(schedule.emits), schedule, scheduledTimeOf(due));
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

/** A schedule name the topology does not declare. */
export class UnknownScheduleError extends Error {
  constructor(readonly schedule: string, known: readonly string[]) {
    super(`no schedule "${schedule}"; schedules: ${known.join(', ') || 'none'}`);
    this.name = 'UnknownScheduleError';
  }
}
