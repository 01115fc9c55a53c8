/** Reading Pulumi outputs in tests: always through a promise, never a `done` callback inside `apply`. */
import * as pulumi from '@pulumi/pulumi';

/** The value of an output (or a plain value), once known. Mocks run with preview off, so every output resolves. */
export function promiseOf<T>(output: pulumi.Input<T>): Promise<T> {
  return new Promise<T>((resolve) => {
    pulumi.output(output).apply((value) => {
      resolve(value as T);
      return value;
    });
  });
}
