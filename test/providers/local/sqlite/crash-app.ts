/**
 * The app of the crash test (crash.test.ts), shared by its child process (crash-child.ts) and the restart
 * in the test itself: three subscriptions of every Tick (a fast direct one, a slow queue, a queue whose
 * every tenth event is poison and retries until dead-lettered) and one of Tocks, which receives nothing.
 */
import { topology, type Envelope } from '../../../../contracts';
import type { Outcome } from '../../../../runtime';
import { Tick, Tock, ok, retry, sleep } from '../fixtures';
import type { Answer } from './harness';

const H = 'functions/unused.ts';
export const MAX_ATTEMPTS = 5;

export function crashApp() {
  const app = topology('crash');
  const bus = app.bus('b');
  app.fn('fast', { handler: H }).subscribe(bus, { events: [Tick], name: 'fast-b' });
  app.fn('slow', { handler: H, concurrency: 2 }).subscribe(bus, { events: [Tick], via: app.queue('q', { maxAttempts: MAX_ATTEMPTS }), name: 'slow-b' });
  app.fn('flaky', { handler: H }).subscribe(bus, { events: [Tick], via: app.queue('r', { maxAttempts: MAX_ATTEMPTS }), name: 'flaky-b' });
  app.fn('tocks', { handler: H }).subscribe(bus, { events: [Tock], name: 'tocks-b' });
  return { topology: app.build(), bus };
}

/** Ticks every subscription receives. */
export const TICK_SUBSCRIPTIONS = ['fast-b', 'slow-b', 'flaky-b'] as const;
export const isPoison = (e: Envelope) => (e.data as { n: number }).n % 10 === 0;

/** How each subscription answers, in the child and after the restart alike. */
export const answers: Record<string, Answer> = {
  'fast-b': ok,
  'slow-b': async (e) => { await sleep(5); return ok(e); },
  'flaky-b': (e): Outcome => (isPoison(e) ? retry(e, 20) : ok(e)),
  'tocks-b': ok,
};
