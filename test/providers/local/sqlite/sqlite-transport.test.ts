import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { LOCAL_DELIVERY } from '../../../../providers/local/delivery';
import { sqliteTransport } from '../../../../providers/local';
import { describeTransport } from '../transport-conformance';

describe('sqlite transport', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'herald-sqlite-conformance-'));
  let n = 0;
  after(() => rmSync(dir, { recursive: true, force: true }));

  // A fresh state file per test.
  describeTransport('sqlite', { create: () => sqliteTransport({ state: path.join(dir, `state-${++n}.db`) }), target: LOCAL_DELIVERY });
});
