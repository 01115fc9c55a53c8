/** A bundle as Pulumi code: one string asset per file, named as in the set. */
import { expect } from 'chai';
import * as pulumi from '@pulumi/pulumi';
import { codeArchive } from '../../providers/archive';
import { fileSet } from '../../providers/bundle';

describe('providers/archive', () => {
  it('puts every file of the set in the archive as a string asset with its content', async () => {
    const archive = codeArchive(fileSet({ 'index.js': 'exports.handler = 1;', 'package.json': '{"main":"index.js"}' }));
    const assets = await archive.assets;
    expect(Object.keys(assets).sort()).to.deep.equal(['index.js', 'package.json']);
    const texts = await Promise.all(Object.values(assets).map((a) => {
      expect(pulumi.asset.StringAsset.isInstance(a)).to.equal(true);
      return (a as pulumi.asset.StringAsset).text;
    }));
    expect(Object.fromEntries(Object.keys(assets).map((name, i) => [name, texts[i]]))).to.deep.equal({ 'index.js': 'exports.handler = 1;', 'package.json': '{"main":"index.js"}' });
  });
});
