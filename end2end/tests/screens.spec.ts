import { Page } from '@playwright/test';
import { test, expect, signIn, hydrated, fitsPhone, STAFF } from './fixtures';

// Every screen on a 360 px phone: nothing sideways, every link and control a
// 44 × 44 px target, no address or ticket broken inside a word. Each screen
// is saved (test-results/…/<name>.png) for the review at 360 px.

async function look(page: Page, path: string, name: string, opts: { wasm?: boolean } = {}) {
  const res = await page.goto(path);
  expect(res?.ok(), `${path} answers`).toBeTruthy();
  if (opts.wasm) await hydrated(page);
  await page.waitForLoadState('networkidle');
  await expect(page.locator('main h1').first()).toBeVisible();
  await fitsPhone(page);
  await page.screenshot({ path: test.info().outputPath(`${name}.png`), fullPage: true });
}

const slug = (path: string) => path.replace(/^\//, '').replace(/\//g, '-') || 'home';

test('every staff screen fits a 360 px phone', async ({ page }, info) => {
  test.skip(info.project.name !== 'mobile', 'the phone');
  test.setTimeout(180_000);
  await signIn(page, 'admin');
  for (const path of STAFF.admin.nav) await look(page, path, `admin-${slug(path)}`, { wasm: true });
  // a request and a mailbox, from their lists
  await page.goto('/admin/permohonan');
  await page.getByLabel('Hanya yang masih berjalan').uncheck();
  const ticket = await page.locator('.request-row').first().getAttribute('data-ticket');
  await look(page, `/admin/permohonan/${ticket}`, 'admin-request', { wasm: true });
  await page.goto('/admin/akun');
  const mailbox = await page.locator('.mailbox-row a').first().getAttribute('href');
  await look(page, mailbox!, 'admin-mailbox', { wasm: true });
  // a role with queues on its home page
  await signIn(page, 'kasi');
  await look(page, '/admin', 'kasi-home', { wasm: true });
  await signIn(page, 'pengelola_simpeg');
  await look(page, '/admin/simpeg', 'pengelola-simpeg', { wasm: true });
});

test('every public screen fits a 320 px phone without JavaScript @nojs', async ({ page }) => {
  for (const path of ['/', '/masuk', '/ganti-sandi', '/ganti-sandi/tanpa-sms', '/akun', '/permohonan-akun', '/permohonan-akun/status', '/permohonan-akun/formulir']) {
    await look(page, path, `public-${slug(path)}`);
  }
});
