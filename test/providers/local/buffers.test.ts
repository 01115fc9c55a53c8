import { expect } from 'chai';
import { Deque, FifoBuffer, KeyedBuffer, type Message } from '../../../providers/local';
import { tick } from './fixtures';

const message = (n: number, key = 'k'): Message => ({ envelope: tick(n, { key }), attempt: 1, receipt: 0 });
const ns = (ms: Array<Message | undefined>) => ms.map((m) => (m?.envelope.data as { n: number } | undefined)?.n);

describe('local buffers', () => {
  describe('Deque', () => {
    it('pushes, shifts and unshifts in order, across compactions', () => {
      const d = new Deque<number>();
      for (let i = 0; i < 5000; i++) d.push(i);
      const out: number[] = [];
      for (let i = 0; i < 3000; i++) out.push(d.shift()!);
      d.unshift(-1);
      expect(out.slice(0, 3)).to.deep.equal([0, 1, 2]);
      expect(out[2999]).to.equal(2999);
      expect(d.length).to.equal(2001);
      expect(d.shift()).to.equal(-1);
      expect(d.shift()).to.equal(3000);
      expect(d.drain()).to.have.length(1999);
      expect(d.shift()).to.equal(undefined);
    });
  });

  describe('FifoBuffer', () => {
    it('delivers first in, first out and puts a retried message at the back', () => {
      const b = new FifoBuffer();
      [1, 2, 3].forEach((n) => b.add(message(n)));
      const first = b.take()!;
      b.again(first);
      expect(ns([b.take(), b.take(), b.take()])).to.deep.equal([2, 3, 1]);
      expect(b.hasReady()).to.equal(false);
    });
  });

  describe('KeyedBuffer', () => {
    const keyOf = (e: { data: unknown }) => (e.data as { key: string }).key;

    it('lets one message per key out at a time, and other keys pass', () => {
      const b = new KeyedBuffer(keyOf);
      b.add(message(1, 'a'));
      b.add(message(2, 'a'));
      b.add(message(3, 'b'));
      const a1 = b.take()!;
      const b3 = b.take()!;
      expect(ns([a1, b3])).to.deep.equal([1, 3]);
      expect(b.hasReady()).to.equal(false);
      expect(b.take()).to.equal(undefined);
      expect(b.size).to.equal(1);
      b.done(a1);
      expect(ns([b.take()])).to.deep.equal([2]);
    });

    it('keeps a retried message first of its key', () => {
      const b = new KeyedBuffer(keyOf);
      b.add(message(1, 'a'));
      b.add(message(2, 'a'));
      const m1 = b.take()!;
      expect(b.hasReady()).to.equal(false);
      b.again(m1);
      expect(ns([b.take()])).to.deep.equal([1]);
    });

    it('holds the key of a message kept out (a restored retry) until it comes back, first of its key', () => {
      const b = new KeyedBuffer(keyOf);
      const held = message(1, 'a');
      b.hold(held);
      b.add(message(2, 'a'));
      b.add(message(3, 'b'));
      expect(ns([b.take()])).to.deep.equal([3]);
      expect(b.hasReady()).to.equal(false);
      b.again(held);
      expect(ns([b.take()])).to.deep.equal([1]);
    });

    it('holds a key already waiting to be taken, and takes back a message it never held (an interrupted delivery)', () => {
      const b = new KeyedBuffer(keyOf);
      b.add(message(2, 'a'));
      const held = message(1, 'a');
      b.hold(held);
      expect(b.hasReady()).to.equal(false);
      const interrupted = message(0, 'b');
      b.again(interrupted);
      b.again(held);
      expect(ns([b.take(), b.take(), b.take()])).to.deep.equal([0, 1, undefined]);
    });

    it('drains every message held', () => {
      const b = new KeyedBuffer(keyOf);
      [1, 2, 3].forEach((n) => b.add(message(n, n === 3 ? 'b' : 'a')));
      b.take();
      expect(ns(b.drain()).sort()).to.deep.equal([2, 3]);
      expect(b.size).to.equal(0);
      expect(b.hasReady()).to.equal(false);
    });
  });
});
