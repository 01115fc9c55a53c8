import { expect } from 'chai';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { defaultUrl } from '../../cli/client';
import { DEV_ADDRESS_FILE, announceDevServer, announcedDevServer } from '../../cli/dev-address';

describe('where a running herald dev listens (.herald/dev.json)', () => {
  const dir = () => mkdtempSync(path.join(tmpdir(), 'herald-address-'));

  it('is announced by the server, found by the clients, and removed by its own process only', async () => {
    const d = dir();
    const remove = await announceDevServer('http://127.0.0.1:4300', d);
    expect(announcedDevServer(d)).to.equal('http://127.0.0.1:4300');
    expect(defaultUrl({}, d)).to.equal('http://127.0.0.1:4300');
    // Another server started here since: its announcement stays.
    const other = await announceDevServer('http://127.0.0.1:4400', d, 1);
    remove();
    expect(existsSync(path.join(d, DEV_ADDRESS_FILE))).to.equal(true);
    other();
    expect(existsSync(path.join(d, DEV_ADDRESS_FILE))).to.equal(false);
  });

  it('is found from a folder below the one herald dev runs in, the nearest announcement first', async () => {
    const d = dir();
    const below = path.join(d, 'functions', 'deep');
    mkdirSync(below, { recursive: true });
    await announceDevServer('http://127.0.0.1:4300', d);
    expect(defaultUrl({}, below)).to.equal('http://127.0.0.1:4300');
    await announceDevServer('http://127.0.0.1:4600', path.join(d, 'functions'));
    expect(announcedDevServer(below)).to.equal('http://127.0.0.1:4600');
  });

  it('PORT wins over the announcement; with neither, port 4000', async () => {
    const d = dir();
    await announceDevServer('http://127.0.0.1:4300', d);
    expect(defaultUrl({ PORT: '4500' }, d)).to.equal('http://127.0.0.1:4500');
    expect(defaultUrl({}, dir())).to.equal('http://127.0.0.1:4000');
  });

  it('ignores an announcement left by a process that is gone, or one that is not JSON', () => {
    const d = dir();
    const file = path.join(d, DEV_ADDRESS_FILE);
    mkdirSync(path.dirname(file), { recursive: true });
    // pid 2^22 + 1 is above Linux's pid_max limit: no process can have it.
    writeFileSync(file, JSON.stringify({ url: 'http://127.0.0.1:4300', pid: 4_194_305, startedAt: '2026-12-03T00:00:00Z' }));
    expect(announcedDevServer(d)).to.equal(undefined);
    writeFileSync(file, 'not json');
    expect(defaultUrl({}, d)).to.equal('http://127.0.0.1:4000');
  });
});

