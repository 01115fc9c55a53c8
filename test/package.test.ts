/**
 * Herald as a package: its entries, as a project imports them (the package refers to itself by name, so
 * the exports map is what resolves here), and the hand-written types of herald/program against the sources.
 */
import { expect } from 'chai';
import * as herald from 'herald';
import * as program from 'herald/program';
import type * as Declared from '../exports/program.types';
import * as sources from '../exports/program';
import { topology } from '../contracts';
import { Pipeline } from '../runtime';

// Compile time: the sources behind herald/program satisfy the types a project checks against.
const satisfied: typeof Declared = sources;

describe('the herald package', () => {
  it('herald is the contract and the runtime’s test helpers, the same modules Herald runs', () => {
    expect(herald.topology).to.equal(topology);
    expect(herald.Pipeline).to.equal(Pipeline);
    expect([herald.defineEvent, herald.on, herald.newEnvelope, herald.EventRegistry, herald.RecordingPublisher].map((f) => typeof f)).to.deep.equal(Array(5).fill('function'));
  });

  it('herald/program is the program and plan', () => {
    expect(program.heraldProgram).to.equal(satisfied.heraldProgram);
    expect(typeof program.plan).to.equal('function');
  });

  it('exposes nothing else: a deep import is refused by the exports map', () => {
    expect(() => require('herald/providers/plan')).to.throw(/ERR_PACKAGE_PATH_NOT_EXPORTED|not defined by "exports"/);
  });
});
