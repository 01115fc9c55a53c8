/** Every taggable resource carries the stack, the logical name and the kind (taggable per the @pulumi/aws typings). */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { defaultTags, TAG_KEYS } from '../../../providers/aws/tags';
import { realizeOnAws, resources } from '../../helpers/pulumi-mocks';
import { everyKind, WEBHOOK_SECRET } from '../../helpers/topologies';

const AWS = path.dirname(require.resolve('@pulumi/aws/package.json'));
const taggable = new Map<string, boolean>();

/** Whether `aws:<module>/<file>:<Type>` has a `tags` argument, read from its `<Type>Args` in the typings. */
function isTaggable(type: string): boolean {
  if (!taggable.has(type)) {
    const [, mod, file, name] = /^aws:([^/]+)\/([^:]+):(.+)$/.exec(type)! as unknown as [string, string, string, string];
    const dts = readFileSync(path.join(AWS, mod, `${file}.d.ts`), 'utf8');
    const args = dts.slice(dts.indexOf(`export interface ${name}Args {`));
    taggable.set(type, /^\s{4}tags\?:/m.test(args.slice(0, args.indexOf('\n}'))));
  }
  return taggable.get(type)!;
}

describe('aws tags', () => {
  it('reads taggability from the typings (the check itself)', () => {
    expect(isTaggable('aws:sqs/queue:Queue')).to.equal(true);
    expect(isTaggable('aws:lambda/permission:Permission')).to.equal(false);
    expect(isTaggable('aws:sqs/queuePolicy:QueuePolicy')).to.equal(false);
  });

  it('tags every taggable AWS resource of a topology using every kind with stack, logical name and kind', async () => {
    await realizeOnAws(everyKind(), ...WEBHOOK_SECRET);
    const aws = resources().filter((r) => r.type.startsWith('aws:'));
    const tagged = aws.filter((r) => isTaggable(r.type));
    expect(tagged.length).to.be.greaterThan(50);
    const missing = tagged.filter((r) => {
      const tags = r.inputs.tags ?? {};
      return tags[TAG_KEYS.stack] !== 'test' || !tags[TAG_KEYS.logicalName] || !tags[TAG_KEYS.kind];
    }).map((r) => `${r.type} ${r.name}`);
    expect(missing).to.deep.equal([]);
  });

  it('names the resource each one realizes', () => {
    expect(defaultTags('prod', 'payments', 'queue')).to.deep.equal({ 'herald:stack': 'prod', 'herald:logicalName': 'payments', 'herald:kind': 'queue' });
  });
});
