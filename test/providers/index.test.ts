/** The provider registry and `herald:cloud`: aws, azure and kafka are built; gcp is valid but not built yet. */
import { expect } from 'chai';
import * as pulumi from '@pulumi/pulumi';
import { BUILT_CLOUDS, builtCloud, providers, readCloud } from '../../providers';

const config = (cloud?: string) => ({ get: (key: string) => (key === 'cloud' ? cloud : undefined) }) as pulumi.Config;

describe('providers', () => {
  it('builds aws, azure and kafka, by name', () => {
    expect(BUILT_CLOUDS).to.deep.equal(['aws', 'azure', 'kafka']);
    expect(providers.aws.name).to.equal('aws');
    expect(providers.azure.name).to.equal('azure');
    expect(providers.kafka.name).to.equal('kafka');
  });

  it('reads herald:cloud, aws by default', () => {
    expect(readCloud(config('aws'))).to.equal('aws');
    expect(readCloud(config('kafka'))).to.equal('kafka');
    expect(readCloud(config('azure'))).to.equal('azure');
    expect(readCloud(config(undefined))).to.equal('aws');
  });

  it('says a valid cloud is not built yet, naming what is', () => {
    expect(() => readCloud(config('gcp'))).to.throw(pulumi.RunError, /herald:cloud "gcp" is not built yet; built: aws, azure, kafka \(valid values: aws, azure, gcp, kafka\)/);
  });

  it('names the valid values for anything else', () => {
    expect(() => readCloud(config('oracle'))).to.throw(pulumi.RunError, /herald:cloud is "oracle"; valid values are aws, azure, gcp, kafka/);
  });

  it('checks a name given directly the same way (herald plan --cloud, before it reads a stack file)', () => {
    expect(builtCloud('aws')).to.equal('aws');
    expect(() => builtCloud('gcp')).to.throw(pulumi.RunError, /herald:cloud "gcp" is not built yet; built: aws, azure, kafka/);
    expect(() => builtCloud('')).to.throw(pulumi.RunError, /herald:cloud is ""; valid values are/);
  });
});
