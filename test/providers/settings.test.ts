import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { shop } from '../../app/topology';
import { missingRequiredSettings } from '../../providers/plan';
import { checkStackSettings, settingReader, stackSettings, unknownSettings } from '../../providers/settings';

const ROOT = path.resolve(__dirname, '../..');
const yaml = require('js-yaml') as { load(text: string): unknown };

describe('stack settings', () => {
  it('Pulumi.yaml declares exactly the settings of the example app, with their types, descriptions, defaults and secrecy', () => {
    const doc = yaml.load(readFileSync(path.join(ROOT, 'Pulumi.yaml'), 'utf8')) as { config: Record<string, Record<string, unknown>> };
    const declared = Object.fromEntries(Object.entries(doc.config).filter(([k]) => k.startsWith('herald:')));
    const expected = Object.fromEntries(stackSettings(shop).map((s) => [`herald:${s.key}`, {
      type: s.type, ...(s.type === 'array' ? { items: { type: 'string' } } : {}), description: s.description, ...(s.default !== undefined ? { default: s.default } : {}), ...(s.secret ? { secret: true } : {}),
    }]));
    expect(declared).to.deep.equal(expected);
  });

  it('declares each webhook secret as a required secret, and every other setting with a default', () => {
    const secret = stackSettings(shop).find((s) => s.key === 'PAYMENTS_WEBHOOK_SECRET');
    expect(secret).to.include({ secret: true });
    expect(secret).to.not.have.property('default');
    for (const s of stackSettings(shop).filter((x) => x.key !== 'PAYMENTS_WEBHOOK_SECRET')) expect(s.default, s.key).to.not.equal(undefined);
  });

  it('names each unknown herald key with the known ones, and ignores other namespaces', () => {
    const problem = unknownSettings({ 'herald:cloud': 'kafka', 'herald:kafkaBroker': 'x:1', 'herald:zone': 'a', 'aws:region': 'eu-west-1' }, shop);
    expect(problem).to.match(/^unknown stack settings herald:kafkaBroker, herald:zone; the herald settings are herald:app, herald:cloud, herald:kafkaBrokers,/);
    expect(problem).to.contain('herald:PAYMENTS_WEBHOOK_SECRET');
    expect(unknownSettings({ 'herald:cloud': 'aws', 'herald:PAYMENTS_WEBHOOK_SECRET': 's', 'gcp:project': 'p' }, shop)).to.equal(undefined);
  });

  it('refuses a stack with an unknown herald key as a RunError (the CLI prints it without a stack trace)', () => {
    expect(() => checkStackSettings(shop, { 'herald:clod': 'aws' })).to.throw(pulumi.RunError, /unknown stack setting herald:clod;/);
    expect(() => checkStackSettings(shop, { 'herald:cloud': 'aws' })).to.not.throw();
  });

  it('reads the declared empty default as not set', () => {
    const values: Record<string, string> = { kafkaSaslMechanism: '', kafkaBrokers: 'b:9092' };
    const read = settingReader({ get: (key: string) => values[key] } as unknown as pulumi.Config);
    expect(read('kafkaSaslMechanism')).to.equal(undefined);
    expect(read('kafkaBrokers')).to.equal('b:9092');
    expect(read('kafkaTls')).to.equal(undefined);
  });

  it('plan names the required settings a stack leaves unset (pulumi up would refuse it)', () => {
    expect(missingRequiredSettings(ROOT, { 'herald:cloud': 'aws' })).to.deep.equal(['herald:PAYMENTS_WEBHOOK_SECRET']);
    expect(missingRequiredSettings(ROOT, { 'herald:PAYMENTS_WEBHOOK_SECRET': '[secret]' })).to.deep.equal([]);
  });
});
