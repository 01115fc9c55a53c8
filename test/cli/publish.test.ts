import { expect } from 'chai';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runPublish } from '../../cli/commands/publish';
import { memoryIo } from '../../cli/io';
import { devSession, http, order } from './helpers';

describe('herald publish', () => {
  let dev: Awaited<ReturnType<typeof devSession>>;
  before(async () => { dev = await devSession(); });
  after(async () => { await dev.session.stop(1000); });

  it('publishes an event with its subject and correlation id, and prints the id and how to read the trace', async () => {
    const io = memoryIo();
    const code = await runPublish(['OrderPlaced.v2', JSON.stringify(order('o-cli', { channel: 'store' })), '--subject', 'orders/o-cli', '--correlation-id', 'cli-1', '--url', dev.url], io);
    expect(code, io.stderr.join('\n')).to.equal(0);
    const [, id] = /^published OrderPlaced\.v2 ([0-9a-f-]{36})$/.exec(io.stdout[0]!) ?? [];
    expect(id).to.be.a('string');
    expect(io.stdout[1]).to.equal(`trace: curl -s ${dev.url}/traces/cli-1`);
    await dev.session.runtime.idle();
    const trace = (await http(`${dev.url}/traces/cli-1`)).body as any[];
    expect(trace.find((e) => e.function === 'charge-payment')).to.include({ id, outcome: 'ok' });
    const record = dev.records.find((r) => r.id === id)!;
    expect(record.correlationid).to.equal('cli-1');
  });

  it('takes the default URL from PORT', async () => {
    const io = memoryIo();
    const port = new URL(dev.url).port;
    expect(await runPublish(['ReportRequested.v1', '{"date":"2026-01-01"}'], io, { PORT: port })).to.equal(0);
    expect(io.stdout[1]).to.match(new RegExp(`^trace: curl -s http://127\\.0\\.0\\.1:${port}/traces/`));
  });

  it('prints the server\'s reason and exits 1 for a rejected event', async () => {
    const io = memoryIo();
    expect(await runPublish(['OrderPlaced.v2', '{"orderId":"x"}', '--url', dev.url], io)).to.equal(1);
    expect(io.stderr[0]).to.match(/^herald publish: rejected \(400\): OrderPlaced\.v2 data is invalid: /);
    expect(io.stdout).to.deep.equal([]);
  });

  it('sends the source the event\'s definition names (the server requires one), or the one --source gives', async () => {
    const bodies: Array<Record<string, unknown>> = [];
    const server = createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => { text += c; });
      req.on('end', () => {
        bodies.push(JSON.parse(text));
        res.writeHead(202, { 'content-type': 'application/json' }).end('{"ids":["e-1"]}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect(await runPublish(['OrderPlaced.v1', '{}', '--url', url], memoryIo())).to.equal(0);
      expect(await runPublish(['ReportRequested.v1', '{}', '--source', 'ops.console', '--url', url], memoryIo())).to.equal(0);
      expect(await runPublish(['Unknown.v1', '{}', '--url', url], memoryIo())).to.equal(0);
    } finally {
      server.close();
    }
    expect(bodies.map((b) => b.source)).to.deep.equal(['shop.orders', 'ops.console', undefined]);
  });

  it('says so when no server is running', async () => {
    const io = memoryIo();
    expect(await runPublish(['ReportRequested.v1', '{"date":"2026-01-01"}', '--url', 'http://127.0.0.1:9'], io)).to.equal(1);
    expect(io.stderr[0]).to.equal('herald publish: no herald dev server at http://127.0.0.1:9 (start one with `npm start`, or pass --url)');
  });

  it('refuses bad JSON, a bad type and missing arguments with exit 2, without calling the server', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['OrderPlaced.v2', '{orderId: 1}'], /^herald publish: the data is not valid JSON: /],
      [['orderplaced', '{}'], /"orderplaced" is not a wire type such as OrderPlaced\.v2/],
      [['OrderPlaced.v2'], /give the event type and its data as JSON/],
      [['OrderPlaced.v2', '{}', '--nope'], /Unknown option '--nope'/],
    ];
    for (const [argv, message] of cases) {
      const io = memoryIo();
      expect(await runPublish([...argv, '--url', 'http://127.0.0.1:9'], io), argv.join(' ')).to.equal(2);
      expect(io.stderr[0]).to.match(message);
    }
  });
});
