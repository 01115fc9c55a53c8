/**
 * The program (`index.ts`, and a `herald init` project's) under the mock engine: it realizes the app
 * `herald:app` names, and hands realize that same module, so ingress functions bundle and load it.
 */
import { expect } from 'chai';
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { settle, withCheapStacks } from '../../providers/mocks';
import { heraldProgram } from '../../providers/program';
import { engine, mocksReady, resourcesOf } from '../helpers/pulumi-mocks';
import { expectReject } from '../helpers/reject';

const ROOT = path.resolve(__dirname, '../..');

async function run(config: Record<string, string>, secretKeys: string[] = []) {
  await mocksReady;
  engine.reset();
  pulumi.runtime.setAllConfig(config, secretKeys);
  try {
    return await withCheapStacks(async () => {
      try {
        return await heraldProgram(ROOT);
      } finally {
        await settle();
        await engine.flush();
      }
    });
  } finally {
    pulumi.runtime.setAllConfig({});
  }
}

describe('the program', function () {
  this.timeout(60_000);

  it('realizes the app herald:app names, and bundles its ingress from that module and export', async () => {
    await run({ 'herald:cloud': 'aws', 'herald:app': 'test/fixtures/apps/two-apps.ts#mail', 'herald:RECEIPTS_SECRET': 's' }, ['herald:RECEIPTS_SECRET']);
    expect(resourcesOf('herald:aws:Function').map((r) => r.name)).to.deep.equal(['mailer']);
    expect(resourcesOf('herald:aws:Webhook').map((r) => r.name)).to.deep.equal(['receipts']);
    const ingress = resourcesOf('aws:lambda/function:Function').filter((r) => r.name !== 'mailer');
    expect(ingress).to.have.length(1);
    const archive = ingress[0]!.inputs.code as pulumi.asset.AssetArchive;
    const code = await ((await archive.assets)['index.js'] as pulumi.asset.StringAsset).text;
    // The bundled module holds both topologies; the shop's functions are nowhere in it.
    expect(code).to.contain('"auditor"').and.to.contain('"mailer"').and.not.contain('charge-payment');
  });

  it('refuses, as a RunError naming the module, an app that cannot be loaded', async () => {
    await expectReject(run({ 'herald:cloud': 'aws', 'herald:app': 'app/nowhere.ts' }), pulumi.RunError, /^herald:app: app module app\/nowhere\.ts \(in .+\): no such file/);
    await expectReject(run({ 'herald:cloud': 'aws', 'herald:app': 'test/fixtures/apps/two-apps.ts' }), pulumi.RunError, /exports 2 topologies \(audit, mail\)/);
  });
});
