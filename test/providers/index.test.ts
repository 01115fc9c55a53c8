/** The provider registry and `herald:cloud`: every valid cloud (aws, azure, gcp, kafka) is built. */
import { expect } from 'chai';
import * as pulumi from '@pulumi/pulumi';
import { BUILT_CLOUDS, builtCloud, providers, readCloud } from '../../providers';

const config = (cloud?: string) => ({ get: (key: string) => (key === 'cloud' ? cloud : undefined) }) as pulumi.Config;

describe('providers', () => {
  it('builds aws, azure, gcp and kafka, by name', () => {
    expect(BUILT_CLOUDS).to.deep.equal(['aws', 'azure', 'gcp', 'kafka']);
    expect(providers.aws.name).to.equal('aws');
    expect(providers.azure.name).to.equal('azure');
    expect(providers.gcp.name).to.equal('gcp');
    expect(providers.kafka.name).to.equal('kafka');
  });

  it('reads herald:cloud, aws by default', () => {
    expect(readCloud(config('aws'))).to.equal('aws');
    expect(readCloud(config('kafka'))).to.equal('kafka');
    expect(readCloud(config('gcp'))).to.equal('gcp');
    expect(readCloud(config('azure'))).to.equal('azure');
    expect(readCloud(config(undefined))).to.equal('aws');
  });

  it('says a valid cloud is not built yet, naming what is', () => {
  });

  it('names the valid values for anything else', () => {
    expect(() => readCloud(config('oracle'))).to.throw(pulumi.RunError, /herald:cloud is "oracle"; valid values are aws, azure, gcp, kafka/);
  });

  it('checks a name given directly the same way (herald plan --cloud, before it reads a stack file)', () => {
    expect(builtCloud('aws')).to.equal('aws');
    expect(builtCloud('gcp')).to.equal('gcp');
    expect(builtCloud('azure')).to.equal('azure');
    expect(() => builtCloud('')).to.throw(pulumi.RunError, /herald:cloud is ""; valid values are/);
  });
});
