/**
 * The durable transport survives `kill -9`: a child process (crash-child.ts) publishes through it while
 * its subscriptions work, and is killed with SIGKILL mid-flight; a transport opened on the same file then
 * delivers what was owed. The child prints every fact as it happens (accepted batches, delivery starts,
 * answers, dead letters), so the test knows what it did up to the kill.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Envelope } from '../../../../contracts';
import { DeliveryTables, openState } from '../../../../providers/local';
import { MAX_ATTEMPTS, TICK_SUBSCRIPTIONS, answers, crashApp } from './crash-app';
import { openTransport } from './harness';
import { tempStates } from './temp-state';

interface Fact {
  accepted?: string[];
  /** The `n` of the first event accepted. */
  from?: number;
  start?: string;
  answer?: string;
  letter?: string;
  id?: string;
  attempt?: number;
  attempts?: number;
  kind?: string;
}

const REPO = path.resolve(__dirname, '../../../..');

/** Runs the child on `file` until `enough` holds for what it printed, then kills it with SIGKILL. */
async function runUntilKilled(file: string, enough: (facts: Fact[]) => boolean, ms = 20_000): Promise<Fact[]> {
  const loader = pathToFileURL(path.join(REPO, 'node_modules/tsx/dist/loader.mjs')).href;
  const child = spawn(process.execPath, ['--import', loader, path.join(__dirname, 'crash-child.ts'), file], { stdio: ['ignore', 'pipe', 'pipe'] });
  const facts: Fact[] = [];
  let partial = '';
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => { stderr += c; });
  // 'close', not 'exit': it comes once the pipes are drained, so every line the child wrote is read.
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, signal) => resolve(signal)));
  const killed = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the child never got far enough in ${ms} ms; stderr:\n${stderr}`));
    }, ms);
    child.stdout.on('data', (c: Buffer) => {
      const lines = (partial + c.toString()).split('\n');
      partial = lines.pop()!;
      for (const line of lines) facts.push(JSON.parse(line) as Fact);
      if (!child.killed && enough(facts)) {
        clearTimeout(timer);
        child.kill('SIGKILL');
        resolve();
      }
    });
    child.on('exit', () => {
      clearTimeout(timer);
      if (!child.killed) reject(new Error(`the child exited by itself; stderr:\n${stderr}`));
    });
  });
  await killed;
  expect(await exited).to.equal('SIGKILL');
  // What the pipe still held when the child died was printed before the kill.
  for (const line of partial.split('\n').filter(Boolean)) facts.push(JSON.parse(line) as Fact);
  return facts;
}

/** What the file owes, per subscription and event id: the row's state and attempt. */
function owedIn(file: string): Map<string, Map<string, { state: string; attempt: number }>> {
  const state = openState(file);
  try {
    const owed = new Map<string, Map<string, { state: string; attempt: number }>>();
    for (const row of new DeliveryTables(state).load()) {
      const id = (JSON.parse(row.envelope) as Envelope).id;
      if (!owed.has(row.subscription)) owed.set(row.subscription, new Map());
      expect(owed.get(row.subscription)!.has(id), `${row.subscription} owes ${id} twice`).to.equal(false);
      owed.get(row.subscription)!.set(id, { state: row.state, attempt: row.attempt });
    }
    return owed;
  } finally {
    state.close();
  }
}

describe('sqlite transport, its process killed with SIGKILL mid-flight', function () {
  this.timeout(60_000);
  const states = tempStates();

  it('delivers after a restart every accepted event a subscription had not settled, to that subscription only, with its attempts kept', async () => {
    // arrange: the child publishes until 1,000 events were accepted and the slow subscription is behind
    const file = states.file();
    const acceptedIn = (facts: Fact[]) => facts.flatMap((f) => f.accepted ?? []);
    const facts = await runUntilKilled(file, (f) => acceptedIn(f).length >= 1000);
    const accepted = acceptedIn(facts);
    const owed = owedIn(file);

    // act: a transport on the same file, answering as the child did
    const { topology } = crashApp();
    const restarted = openTransport(topology, file);
    for (const [subscription, answer] of Object.entries(answers)) await restarted.consume(subscription, answer);
    await restarted.transport.idle();
    await restarted.transport.close(0);

    // assert
    const key = (s: string, id: string) => `${s} ${id}`;
    const started = new Map<string, number>();
    const answered = new Map<string, { attempt: number; kind: string }>();
    const childLetters = new Map<string, number>();
    for (const f of facts) {
      if (f.start) started.set(key(f.start, f.id!), f.attempt!);
      if (f.answer) answered.set(key(f.answer, f.id!), { attempt: f.attempt!, kind: f.kind! });
      if (f.letter) childLetters.set(key(f.letter, f.id!), f.attempts!);
    }
    const restartLetters = new Map(restarted.letters.map((l) => [key(l.subscription, l.id), l.attempts]));
    const firstAttempt = new Map<string, number>();
    for (const c of restarted.calls) if (!firstAttempt.has(key(c.subscription, c.id))) firstAttempt.set(key(c.subscription, c.id), c.attempt);
    expect(owed.get('slow-b')?.size ?? 0, 'the slow subscription was behind at the kill').to.be.greaterThan(0);

    for (const s of TICK_SUBSCRIPTIONS) {
      const owes = owed.get(s) ?? new Map<string, { state: string; attempt: number }>();
      // Accepted means stored: each accepted event was finished by s before the kill, or is owed to it.
      for (const id of accepted) {
        const finished = answered.get(key(s, id))?.kind === 'ok' || childLetters.has(key(s, id));
        expect(finished || owes.has(id), `${s} lost accepted event ${id}`).to.equal(true);
      }
      // What the file owes s is what s gets after the restart, and nothing else, at the attempt it had reached.
      const redelivered = [...restarted.calls.filter((c) => c.subscription === s).map((c) => c.id), ...[...restartLetters.keys()].filter((k) => k.startsWith(`${s} `)).map((k) => k.slice(s.length + 1))];
      expect(new Set(redelivered), `${s} after the restart`).to.deep.equal(new Set(owes.keys()));
      for (const [id, row] of owes) {
        const k = key(s, id);
        // A delivery in flight at the kill counts as an attempt.
        const next = row.state === 'in-flight' ? row.attempt + 1 : row.attempt;
        if (next > MAX_ATTEMPTS) expect(restartLetters.get(k), `${k} interrupted on its last attempt`).to.equal(MAX_ATTEMPTS);
        else expect(firstAttempt.get(k), `${k} first attempt after the restart (row ${row.state}#${row.attempt})`).to.equal(next);
        // The child's facts agree with the row: a delivery it started and never answered is in flight at that attempt.
        if (started.has(k) && !answered.has(k) && started.get(k) === row.attempt) expect(row.state, k).to.equal('in-flight');
        // A settled delivery is deleted with its settlement: a row still here was never settled, or its settlement was not yet committed.
        const answer = answered.get(k);
        if (answer?.kind === 'ok') expect([row.state, row.attempt], `${k}, answered ok before the kill`).to.deep.equal(['in-flight', answer.attempt]);
      }
    }
    // Each poison event accepted is dead-lettered by the flaky subscription after every attempt: once, or
    // twice when the child gave it up but was killed before that settlement was committed.
    const poisonIds = facts.flatMap((f) => (f.accepted ?? []).filter((_, i) => (f.from! + i) % 10 === 0));
    expect(poisonIds.length).to.be.at.least(100);
    for (const id of poisonIds) {
      const k = key('flaky-b', id);
      const letters = [childLetters.get(k), restartLetters.get(k)].filter((a) => a !== undefined);
      const uncommitted = childLetters.has(k) && owed.get('flaky-b')?.has(id) === true;
      expect(letters, `flaky-b letters of poison ${id}`).to.deep.equal(uncommitted ? [MAX_ATTEMPTS, MAX_ATTEMPTS] : [MAX_ATTEMPTS]);
    }
    expect(restarted.of('tocks-b')).to.deep.equal([]);
    expect(owedIn(file).size).to.equal(0);
  });
});
