/**
 * What this process owes: each event published here for a channel consumed here, and each event a reader
 * here took, until it is settled (handled, filtered out, a duplicate, dead-lettered). Gives the transport's
 * `pending`, `idle()` and the undelivered list `close()` reports. It is this process's view, so it owes what is
 * on the cluster (published here, or sent on to its retry topic) only while this process is its subscription's
 * only reader (`forgetUntaken`, `handedBack`): another worker may take it, and what that one settles is never
 * seen here. The cluster's truth is consumer-group lag, which operators watch.
 */
import type { Channel, Envelope } from '../../../contracts';
import { queueName } from '../../local/channel-queue';
import type { Undelivered } from '../../local/transport';
import { WorkTracker } from '../../local/work';

type State = Undelivered['state'];

/** One event owed to one channel; a reader keeps it for its `update`s (one Map lookup per delivery, not one per step). */
export interface Owed {
  readonly channel: Channel;
  readonly event: Envelope;
  state: State;
  attempt: number;
  /** Copies owed (one event id published twice is owed twice). */
  copies: number;
  /** Taken by a reader here (`track`): until then, only published here. */
  taken: boolean;
  /** Settled and no longer owed. */
  gone?: boolean;
}

export class Ledger {
  /**
   * By subscription, then event id: the id string as it was read (its hash computed once), no key built per
   * delivery, as a `subscription + id` string would be, twice per event.
   */
  private readonly owed = new Map<string, Map<string, Owed>>();
  private readonly work = new WorkTracker();

  private of(channel: Pick<Channel, 'subscription'>): Map<string, Owed> {
    let owed = this.owed.get(channel.subscription);
    if (!owed) this.owed.set(channel.subscription, (owed = new Map()));
    return owed;
  }

  get count(): number {
    return this.work.count;
  }

  /** An event published here for `channel`, owed from now. */
  owe(channel: Channel, event: Envelope): void {
    const owed = this.of(channel);
    const entry = owed.get(event.id);
    if (entry) entry.copies++;
    else owed.set(event.id, { channel, event, state: 'queued', attempt: 1, copies: 1, taken: false });
    this.work.add();
  }

  /**
   * Stops owing what was published here for `channel` and not taken here yet: other processes share its
   * group, so its partitions may be theirs, and what they settle is never seen here (a stop would wait out
   * its grace period for it, then report it unsettled). The cluster keeps it until its group commits it.
   */
  forgetUntaken(channel: Pick<Channel, 'subscription'>): void {
    const owed = this.owed.get(channel.subscription);
    if (!owed) return;
    // Deleting the entry being visited is safe while iterating a Map.
    for (const entry of owed.values()) {
      if (entry.taken) continue;
      while (entry.copies > 0) this.release(entry);
    }
  }

  /** Undoes `owe` (the publish failed). */
  unowe(channel: Channel, event: Envelope): void {
    this.settle(channel, event.id);
  }

  /** Where a delivery of `event` stands; owes it when it was not (published by another process). Returns its entry, for `update`. */
  track(channel: Channel, event: Envelope, state: State, attempt: number): Owed {
    const owedHere = this.of(channel);
    const entry = owedHere.get(event.id);
    if (entry) {
      entry.state = state;
      entry.attempt = attempt;
      entry.taken = true;
      return entry;
    }
    const owed: Owed = { channel, event, state, attempt, copies: 1, taken: true };
    owedHere.set(event.id, owed);
    this.work.add();
    return owed;
  }

  /** A taken event went back to the cluster (its retry topic): owed as one published here is, until taken again. */
  handedBack(entry: Owed): void {
    entry.taken = false;
  }

  /** `track` for the entry it returned; owed again when another copy settled it meanwhile. Returns the entry now. */
  update(entry: Owed, state: State, attempt: number): Owed {
    if (entry.gone) return this.track(entry.channel, entry.event, state, attempt);
    entry.state = state;
    entry.attempt = attempt;
    return entry;
  }

  /** One copy of `id` settled for `channel` (nothing when it was not owed here). */
  settle(channel: Pick<Channel, 'subscription'>, id: string): void {
    const entry = this.owed.get(channel.subscription)?.get(id);
    if (entry) this.release(entry);
  }

  /** `settle` for an entry `track` returned (owed again since, when another copy had settled it). */
  settleEntry(entry: Owed): void {
    if (entry.gone) this.settle(entry.channel, entry.event.id);
    else this.release(entry);
  }

  /** One copy of an owed entry settled. */
  private release(entry: Owed): void {
    if (--entry.copies === 0) {
      this.owed.get(entry.channel.subscription)!.delete(entry.event.id);
      entry.gone = true;
    }
    this.work.done();
  }

  idle(): Promise<void> {
    return this.work.idle();
  }

  idleWithin(ms: number, hurry?: AbortSignal): Promise<boolean> {
    return this.work.idleWithin(ms, hurry);
  }

  /** Every copy still owed, as `close` reports it. */
  undelivered(): Undelivered[] {
    const left: Undelivered[] = [];
    for (const { channel, event, state, attempt, copies } of [...this.owed.values()].flatMap((owed) => [...owed.values()])) {
      const u: Undelivered = { queue: queueName(channel), function: channel.function, subscription: channel.subscription, state, attempt, event };
      for (let i = 0; i < copies; i++) left.push(u);
    }
    return left;
  }
}
