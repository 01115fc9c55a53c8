/**
 * The program (`index.ts`) loads the way `pulumi up` loads it, for every built cloud, in both of the
 * host's modes (type-checked, Pulumi's default; transpile-only, the README's fast path), and declares
 * exactly the resources `herald plan` shows for the same stack: same count, same type/name pairs. Each
 * load is a child process (`helpers/pulumi-host.ts`), so ts-node's registration stays out of this one.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { BUILT_CLOUDS } from '../providers';
import { defaultStack, type PlannedResource } from '../providers/plan';
import { programArgument, runLikePulumi } from './helpers/pulumi-host';

const ROOT = path.resolve(__dirname, '..');

/** `type name` of each resource, sorted: a multiset to compare. */
const pairs = (resources: readonly { type: string; name: string }[]) => resources.map((r) => `${r.type} ${r.name}`).sort();

async function planned(cloud: string, stack: string): Promise<string[]> {
  const { stdout } = await promisify(execFile)(process.execPath, ['cli/bin.js', 'plan', '--cloud', cloud, '--stack', stack, '--json'], {
    cwd: ROOT, maxBuffer: 64 * 1024 * 1024,
  });
  return pairs(JSON.parse(stdout) as PlannedResource[]);
}

describe('index.ts under Pulumi’s own Node.js host', function () {
  this.timeout(180_000);

  it('names its entry in Pulumi.yaml, so a package.json exports map cannot change what pulumi runs', () => {
    expect(programArgument(ROOT)).to.equal('index.ts');
  });

  for (const cloud of BUILT_CLOUDS) {
    describe(`${cloud} (stack ${defaultStack(cloud)})`, () => {
      let plan: string[];
      before(async () => {
        plan = await planned(cloud, defaultStack(cloud));
      });

      for (const transpileOnly of [true, false]) {
        it(`${transpileOnly ? 'transpile-only' : 'type-checked'}: declares exactly what herald plan shows`, async () => {
          const run = await runLikePulumi({ projectDir: ROOT, stack: defaultStack(cloud), transpileOnly });
          // The host's stack resource is the root herald plan leaves out.
          const declared = pairs(run.resources.filter((r) => r.type !== 'pulumi:pulumi:Stack'));
          expect(run.resources.filter((r) => r.type === 'pulumi:pulumi:Stack')).to.have.length(1);
          expect(declared.length, run.stderr).to.be.greaterThan(10);
          expect(declared).to.deep.equal(plan);
        });
      }
    });
  }

  it('fails as pulumi up does when PULUMI_NODEJS_TSCONFIG_PATH names a missing file', async () => {
    let error: Error | undefined;
    try {
      await runLikePulumi({ projectDir: ROOT, stack: 'dev', transpileOnly: true, env: { PULUMI_NODEJS_TSCONFIG_PATH: 'tsconfig.missing.json' } });
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).to.match(/tsconfig path was set to tsconfig\.missing\.json but the file was not found/);
  });
});
