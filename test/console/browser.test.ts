/**
 * The dev console in a real browser: Debian's Chromium, headless, driven by playwright-core, against a
 * dev session of the example app on a free port. Each view is photographed into test-artifacts/console/.
 * Without Chromium this fails and says how to install it: a console nobody saw in a browser is untested.
 */
import { expect } from 'chai';
import { existsSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { devSession } from '../cli/helpers';

/** Debian's package; HERALD_CHROMIUM names another build. */
const CHROMIUM = process.env.HERALD_CHROMIUM ?? '/usr/bin/chromium';
const ARTIFACTS = path.resolve(__dirname, '../../test-artifacts/console');
const WAIT = { timeout: 5000 };

describe('the dev console in Chromium', function () {
  this.timeout(30_000);
  let dev: Awaited<ReturnType<typeof devSession>>;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  const shot = (name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
  /** Publishes through the form whatever CloudEvent `edit` makes of the prefilled example; the event id. */
  const publishThroughForm = async (type: string, edit: (example: any) => any = (e) => e): Promise<string> => {
    await page.goto(`${dev.url}/#/publish`);
    await page.selectOption('#publish-type', type);
    await page.click('#publish-reset');
    const example = JSON.parse(await page.inputValue('#publish-body'));
    await page.fill('#publish-body', JSON.stringify(edit(example), null, 2));
    // The result of the previous publish may still be on the page (an id published twice shows the same
    // text): clear it, so the link waited for is this publish's.
    await page.evaluate(() => { (globalThis as any).document.querySelector('#publish-result').replaceChildren(); });
    await page.click('#publish-form button[type=submit]');
    const link = page.locator('#publish-result a');
    await link.waitFor(WAIT);
    return (await link.textContent())!;
  };
  const traceFunctions = async (id: string, expected: readonly string[]) => {
    await page.goto(`${dev.url}/#/trace/${encodeURIComponent(id)}`);
    await page.waitForFunction((names) => {
      // Runs in the page: its document, not Node's (which has none).
      const text: string = (globalThis as any).document.querySelector('#trace-summary .functions')?.textContent ?? '';
      return names.every((n: string) => text.split(', ').includes(n));
    }, expected, WAIT);
  };

  before(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`Chromium is not at ${CHROMIUM}: install it (apt-get install -y chromium, a test prerequisite in the README) or set HERALD_CHROMIUM`);
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    dev = await devSession({ backoff: { baseMs: 5 } });
    // --no-sandbox: CI runs as root, where Chromium's sandbox cannot start.
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });
  after(async () => {
    await browser?.close();
    await dev?.session.stop(1000);
  });
  afterEach(() => expect(pageErrors, 'errors in the page').to.deep.equal([]));

  it('draws the topology: sources, buses and topics, hops, functions, with filters on the edges', async () => {
    await page.goto(`${dev.url}/`);
    await page.locator('#app-name', { hasText: 'shop' }).waitFor(WAIT);
    await page.locator('#feed-status', { hasText: 'live' }).waitFor(WAIT);
    for (const node of ['source:webhook:payments', 'bus:shop', 'topic:order-notifications', 'queue:payments', 'stream:order-audit', 'function:charge-payment', 'function:send-confirmation']) {
      expect(await page.locator(`#graph g.node[data-node="${node}"]`).count(), node).to.equal(1);
    }
    expect(await page.locator('#graph text.filter').allTextContents()).to.include('where contenttype prefix "image/"');
    await shot('topology');
  });

  it('publishes an order from the form, shows it in the live feed, and traces it across every function it reached', async () => {
    const id = await publishThroughForm('OrderPlaced.v2');
    await page.click('nav a[data-view=feed]');
    for (const fn of ['charge-payment', 'confirm-order', 'send-confirmation']) {
      await page.locator(`#feed tr[data-correlation="${id}"]`, { hasText: fn }).first().waitFor(WAIT);
    }
    await shot('feed');
    await page.locator(`#feed tr[data-correlation="${id}"] a.trace-link`).first().click();
    await traceFunctions(id, ['charge-payment', 'confirm-order', 'send-confirmation', 'notify-warehouse', 'audit-orders']);
    // Causal: PaymentReceived hangs under charge-payment's delivery, OrderConfirmed under confirm-order's.
    const received = page.locator('li.delivery[data-function=charge-payment] > ul > li.event', { hasText: 'PaymentReceived.v1' });
    expect(await received.count()).to.equal(1);
    expect(await received.locator('li.delivery[data-function=confirm-order] li.event', { hasText: 'OrderConfirmed.v1' }).count()).to.equal(1);
    expect(await page.locator('li.delivery[data-function=charge-payment]').first().textContent()).to.contain('through queue payments');
    expect(await page.locator('.timeline .row').count()).to.be.at.least(6);
    await shot('trace');
  });

  it('shows an upcast in the trace of an older version', async () => {
    const id = await publishThroughForm('OrderPlaced.v1');
    await traceFunctions(id, ['charge-payment']);
    expect(await page.locator('li.delivery[data-function=charge-payment] .upcast').first().textContent()).to.contain('upcast OrderPlaced.v1 → OrderPlaced.v2');
  });

  it('shows filtered and duplicate outcomes in a trace', async () => {
    const id = `upload-${Date.now()}`;
    const edit = (e: any) => ({ ...e, id, data: { ...e.data, contentType: 'text/plain' } });
    expect(await publishThroughForm('ImageUploaded.v1', edit)).to.equal(id);
    await traceFunctions(id, ['index-metadata', 'make-thumbnail']);
    await publishThroughForm('ImageUploaded.v1', edit);
    await traceFunctions(id, ['index-metadata']);
    await page.locator('li.delivery[data-function=index-metadata] .outcome.duplicate').waitFor(WAIT);
    expect(await page.locator('li.delivery[data-function=make-thumbnail] .outcome.filtered').count()).to.equal(2);
    expect(await page.locator('li.delivery[data-function=make-thumbnail]').first().textContent()).to.contain('filtered out by the subscription');
    await shot('trace-filtered-duplicate');
  });

  it('lists a poison order as a dead letter, its data as text, its retries with their delays, and redrives then purges it', async () => {
    const hostile = '<img src=x onerror=window.__pwned=1>';
    const id = await publishThroughForm('OrderPlaced.v2', (e) => ({ ...e, data: { ...e.data, orderId: hostile, customerEmail: 'eve@fail.example' } }));
    await dev.session.runtime.idle();
    await traceFunctions(id, ['charge-payment']);
    await page.locator('li.delivery[data-function=charge-payment] .outcome.dead-letter').waitFor(WAIT);
    expect(await page.locator('li.delivery[data-function=charge-payment] .outcome.retry').count()).to.equal(4);
    // Full jitter may draw a wait of 0 ms, which has nothing to draw.
    const waits = dev.session.runtime.traces.get(id).filter((e) => e.outcome === 'retry' && e.delayMs! > 0).length;
    expect(await page.locator('.timeline .wait').count()).to.equal(waits);
    await shot('trace-poison');

    await page.click('nav a[data-view=dlq]');
    const letter = page.locator(`.letter[data-event="${id}"]`);
    await letter.waitFor(WAIT);
    expect(await letter.locator('pre').textContent()).to.contain(hostile);
    expect(await letter.locator('img').count()).to.equal(0);
    expect(await page.evaluate(() => (globalThis as any).__pwned)).to.equal(undefined);
    await shot('dead-letters');

    const attemptsBefore = dev.records.filter((r) => r.id === id && r.attempt === 1).length;
    await letter.locator('button.redrive').click();
    await page.locator('#toast', { hasText: '1 redriven to charge-payment' }).waitFor(WAIT);
    await dev.session.runtime.idle();
    expect(dev.records.filter((r) => r.id === id && r.attempt === 1).length, 'attempt 1 again').to.equal(attemptsBefore + 1);

    // It fails again and is dead-lettered again: purge drops it.
    await page.click('#dlq-refresh');
    await letter.locator('button.purge').click();
    await page.locator('#toast', { hasText: '1 purged' }).waitFor(WAIT);
    await page.locator('#dlq-list .empty').waitFor(WAIT);
    expect(dev.session.runtime.deadLetters.list({ id })).to.deep.equal([]);
  });

  it('fires the nightly schedule and posts a signed test webhook', async () => {
    await page.goto(`${dev.url}/#/publish`);
    await page.click('button[data-schedule=nightly-report]');
    const fired = page.locator('#publish-result', { hasText: 'fired nightly-report' });
    await fired.waitFor(WAIT);
    const report = (await fired.locator('a').textContent())!;
    await shot('publish');
    await traceFunctions(report, ['build-report']);

    await page.goto(`${dev.url}/#/publish`);
    await page.click('button[data-webhook=payments]');
    const accepted = page.locator('#publish-result', { hasText: 'webhook payments accepted (signed with Herald-Signature)' });
    await accepted.waitFor(WAIT);
    await traceFunctions((await accepted.locator('a').textContent())!, ['confirm-order', 'send-confirmation']);
  });

  it('says when a webhook secret is unset, and offers no test request', async () => {
    const bare = await devSession({ env: {} });
    try {
      const other = await browser.newPage();
      await other.goto(`${bare.url}/#/publish`);
      await other.locator('#webhooks .bad', { hasText: 'PAYMENTS_WEBHOOK_SECRET is not set' }).waitFor(WAIT);
      expect(await other.locator('button[data-webhook=payments]').isDisabled()).to.equal(true);
      await other.screenshot({ path: path.join(ARTIFACTS, 'webhook-secret-unset.png'), fullPage: true });
      await other.close();
    } finally {
      await bare.session.stop(1000);
    }
  });

  it('draws the topology again when herald dev reloads a changed one', async () => {
    const shop = dev.session.runtime.topology;
    const without = { ...shop, functions: shop.functions.filter((f) => f.name !== 'notify-warehouse'), subscriptions: shop.subscriptions.filter((x) => x.function !== 'notify-warehouse') };
    await page.goto(`${dev.url}/#/topology`);
    const warehouse = page.locator('#graph text', { hasText: 'notify-warehouse' });
    await warehouse.first().waitFor(WAIT);
    const report = await dev.session.reload(without);
    expect(report.restarted).to.equal(true);
    // The open page is told over its live feed and redraws without notify-warehouse.
    await warehouse.first().waitFor({ state: 'detached', ...WAIT });
    await page.locator('#toast', { hasText: 'the topology changed' }).waitFor(WAIT);
    await shot('topology-reloaded');
    await dev.session.reload(shop);
    await warehouse.first().waitFor(WAIT);
  });
});
