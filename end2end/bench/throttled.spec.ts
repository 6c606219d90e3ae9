import { test, expect, Page } from '@playwright/test';

// Issue #12: a cheap Android phone on slow mobile data. Chromium throttled
// through CDP: 1.6 Mbit/s down, 150 ms round trip, CPU 4x slower; cache off
// (a first visit). Times are from the start of the navigation, read in the
// page (performance.now()), so the test runner's own pace does not count.
// Targets: /ganti-sandi shows its form < 1.5 s; live checks work < 3 s.
// "Form shown" is the largest contentful paint (the form is in the HTML, so
// it is on screen at the first paint); `seen_ms` is when the test runner saw
// it, later when the page's main thread is busy (compiling a big WASM).
const FORM_MS = Number(process.env.BENCH_FORM_MS || 1500);
const LIVE_MS = Number(process.env.BENCH_LIVE_MS || 3000);
const OWNER = process.env.BENCH_OWNER || 'nurul.aini@batam.go.id';

async function throttle(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false, latency: 150, downloadThroughput: (1.6e6 / 8), uploadThroughput: (0.75e6 / 8),
  });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  let bytes = 0;
  const files: string[] = [];
  cdp.on('Network.loadingFinished', (e: any) => { bytes += e.encodedDataLength; });
  cdp.on('Network.responseReceived', (e: any) => { files.push(new URL(e.response.url).pathname); });
  return { bytes: () => bytes, files };
}

const now = (page: Page) => page.evaluate(() => Math.round(performance.now()));
/** First and largest contentful paint (ms): when the server-rendered form is on screen. */
const paints = (page: Page) => page.evaluate(() => new Promise<[number, number]>((resolve) => {
  const fcp = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1;
  let lcp = -1;
  new PerformanceObserver((l) => { for (const e of l.getEntries()) lcp = e.startTime; }).observe({ type: 'largest-contentful-paint', buffered: true });
  setTimeout(() => resolve([Math.round(fcp), Math.round(lcp)]), 100);
}));

function report(name: string, figures: Record<string, number | string>) {
  console.log(`BENCH ${name}: ` + Object.entries(figures).map(([k, v]) => `${k}=${v}`).join(' '));
}

test('/ganti-sandi, first step, throttled', async ({ page }) => {
  const t = await throttle(page);
  await page.goto('/ganti-sandi', { waitUntil: 'commit' });
  await page.getByTestId('reset-start').waitFor({ state: 'visible' });
  const seen = await now(page);
  await page.waitForFunction(() => (window as any).__surel_hydrated === true, null, { polling: 50 });
  const enhanced = await now(page);
  await page.waitForLoadState('load');
  const [fcp, form] = await paints(page);
  report('/ganti-sandi start', { form_ms: form, first_paint_ms: fcp, seen_ms: seen, script_ready_ms: enhanced, transferred_bytes: t.bytes(), files: t.files.length });
  expect(form, 'form shown (ms)').toBeLessThan(FORM_MS);
});

test('/ganti-sandi, code step (password rules live), throttled', async ({ page }) => {
  // get to the code step at full speed, then load it again as a first visit
  await page.goto('/ganti-sandi');
  await page.getByLabel(/Alamat email dinas|Official e-mail address/).fill(OWNER);
  await page.getByTestId('reset-start').getByRole('button').click();
  await expect(page.getByTestId('code-sent')).toBeVisible();
  const t = await throttle(page);
  await page.reload({ waitUntil: 'commit' });
  await page.getByTestId('reset-complete').waitFor({ state: 'visible' });
  const seen = await now(page);
  await page.waitForFunction(() => (window as any).__surel_hydrated === true, null, { polling: 50 });
  const enhanced = await now(page);
  // live checks: a short password is refused at once, in words
  await page.locator('#password').fill('pendek');
  await expect(page.locator('#password-error')).not.toBeEmpty();
  const answered = await now(page);
  await page.waitForLoadState('load');
  const [fcp, form] = await paints(page);
  report('/ganti-sandi code step', {
    form_ms: form, first_paint_ms: fcp, seen_ms: seen, live_checks_ready_ms: enhanced, first_live_answer_ms: answered,
    transferred_bytes: t.bytes(), files: t.files.length,
  });
  expect(form, 'form shown (ms)').toBeLessThan(FORM_MS);
  expect(enhanced, 'live checks working (ms)').toBeLessThan(LIVE_MS);
});
