/** `await expectReject(promise, ErrorType, /message/)`: the one way the deploy tests assert a rejection. */
import { expect } from 'chai';

/** Resolves to the error when `promise` rejects with an instance of `type` whose message matches. */
export async function expectReject<E extends Error>(promise: Promise<unknown>, type: new (...args: any[]) => E, message?: RegExp): Promise<E> {
  let error: unknown;
  try {
    await promise;
  } catch (e) {
    error = e;
  }
  expect(error, 'expected a rejection').to.be.instanceOf(type);
  if (message) expect((error as Error).message).to.match(message);
  return error as E;
}
