/** `--app` on every command that loads an app: a module that cannot be used is exit 1, naming it and what is wrong. */
import { expect } from 'chai';
import * as path from 'node:path';
import { runDev } from '../../cli/commands/dev';
import { runDlq } from '../../cli/commands/dlq';
import { runInvoke } from '../../cli/commands/invoke';
import { runPlan } from '../../cli/commands/plan';
import { runPublish } from '../../cli/commands/publish';
import { runWorker } from '../../cli/commands/worker';
import { memoryIo, type Io } from '../../cli/io';

const FIXTURES = path.resolve(__dirname, '../fixtures/apps');
const noStdin = async () => '';

const COMMANDS: [string, (argv: string[], io: Io) => Promise<number>, string[]][] = [
  ['dev', (argv, io) => runDev(argv, io, {}), ['--memory']],
  ['worker', (argv, io) => runWorker(argv, io, {}), ['--brokers', '127.0.0.1:1']],
  ['dlq', (argv, io) => runDlq(argv, io, {}), ['list', '--brokers', '127.0.0.1:1']],
  ['invoke', (argv, io) => runInvoke(argv, io, noStdin), ['--cloud', 'aws', '--function', 'mailer', '--sample', 'eventbridge']],
  ['plan', (argv, io) => runPlan(argv, io), ['--cloud', 'aws']],
  ['publish', (argv, io) => runPublish(argv, io, {}), ['OrderConfirmed.v1', '{}', '--url', 'http://127.0.0.1:1']],
];

const CASES: [string, RegExp][] = [
  [path.join(FIXTURES, 'nowhere.ts'), /app module \S+nowhere\.ts: no such file; set herald:app or pass --app/],
  [`${path.join(FIXTURES, 'two-apps.ts')}#nope`, /app module \S+two-apps\.ts has no export named "nope"; its exports: /],
  [`${path.join(FIXTURES, 'two-apps.ts')}#version`, /app module \S+two-apps\.ts's export "version" is not a topology \(a number\)/],
  [path.join(FIXTURES, 'two-apps.ts'), /app module \S+two-apps\.ts exports 2 topologies \(audit, mail\); name one: /],
  [path.join(FIXTURES, 'broken.ts'), /app module \S+broken\.ts failed to load: declaration failed on purpose/],
];

describe('--app, on every command that loads an app', () => {
  for (const [name, run, args] of COMMANDS) {
    it(`herald ${name}: exit 1 and one line naming the module and what is wrong`, async () => {
      for (const [app, message] of CASES) {
        const io = memoryIo();
        expect(await run([...args, '--app', app], io), `${name} --app ${app}`).to.equal(1);
        expect(io.stderr.join('\n')).to.match(new RegExp(`^herald ${name}: ${message.source}`));
        expect(io.stdout).to.deep.equal([]);
      }
    });
  }

  it('herald invoke runs the app --app names (a sample for its function)', async () => {
    const io = memoryIo();
    expect(await runInvoke(['--cloud', 'aws', '--function', 'mailer', '--sample', 'eventbridge', '--app', `${path.join(FIXTURES, 'two-apps.ts')}#mail`], io, noStdin)).to.equal(0);
    expect(JSON.parse(io.stdout.join('\n'))).to.include({ 'detail-type': 'OrderConfirmed.v1' });
  });
});
