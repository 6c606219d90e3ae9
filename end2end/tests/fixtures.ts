import { test as base, expect, Browser, Page } from '@playwright/test';

export const PASSWORD = 'sandi-demo-surel-2026';
export const DOMAIN = 'batam.go.id';

/** Demo staff (seeded by `surel seed-demo`) and the navigation each must see. */
export const STAFF = {
  admin: { address: `andi.pratama@${DOMAIN}`, name: 'Andi Pratama', nav: ['/admin', '/admin/permohonan', '/admin/dasbor', '/admin/staf', '/admin/layanan', '/admin/audit', '/admin/kotak-keluar', '/admin/sesi'] },
  auditor: { address: `dewi.lestari@${DOMAIN}`, name: 'Dewi Lestari', nav: ['/admin', '/admin/permohonan', '/admin/dasbor', '/admin/layanan', '/admin/audit', '/admin/sesi'] },
  petugas: { address: `budi.santoso@${DOMAIN}`, name: 'Budi Santoso', nav: ['/admin', '/admin/permohonan', '/admin/dasbor', '/admin/kotak-keluar', '/admin/sesi'] },
  petugas2: { address: `sari.wulandari@${DOMAIN}`, name: 'Sari Wulandari', nav: ['/admin', '/admin/permohonan', '/admin/dasbor', '/admin/kotak-keluar', '/admin/sesi'] },
  kasi: { address: `hendra.gunawan@${DOMAIN}`, name: 'Hendra Gunawan', nav: ['/admin', '/admin/permohonan', '/admin/dasbor', '/admin/sesi'] },
  kabid: { address: `rudi.hartono@${DOMAIN}`, name: 'Rudi Hartono', nav: ['/admin', '/admin/permohonan', '/admin/dasbor', '/admin/sesi'] },
  kepala_opd: { address: `siti.rahma@${DOMAIN}`, name: 'Siti Rahma', nav: ['/admin', '/admin/permohonan', '/admin/dasbor', '/admin/sesi'] },
  pengelola_simpeg: { address: `agus.setiawan@${DOMAIN}`, name: 'Agus Setiawan', nav: ['/admin', '/admin/permohonan', '/admin/simpeg', '/admin/dasbor', '/admin/sesi'] },
  pejabat_struktural: { address: `maya.sari@${DOMAIN}`, name: 'Maya Sari', nav: ['/admin', '/admin/permohonan', '/admin/dasbor', '/admin/sesi'] },
} as const;
export type RoleKey = keyof typeof STAFF;

/** Every test fails on an uncaught error in the page (a broken hydration shows up here). */
/** Collects uncaught errors of a page (use for extra browser contexts too). */
export function watchErrors(page: Page, errors: string[]) {
  // A navigation that starts while the WASM is still streaming cuts the
  // download short; Chromium reports that as a CompileError of the page being
  // left. It says nothing about the app (a 404 or a hydration panic still fails).
  const aborted = /instantiateStreaming\(\): expected \d+ bytes, fell off end/;
  page.on('pageerror', (e) => { if (!aborted.test(String(e))) errors.push(String(e)); });
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 4\d\d/.test(m.text()) && !aborted.test(m.text())) errors.push(m.text());
  });
}

export const test = base.extend<{ pageErrors: string[] }>({
  pageErrors: [async ({ page }, use) => {
    const errors: string[] = [];
    watchErrors(page, errors);
    await use(errors);
    expect(errors, 'errors in the page').toEqual([]);
  }, { auto: true }],
});
export { expect };

export async function signIn(page: Page, role: RoleKey) {
  await page.goto('/masuk');
  await page.getByLabel(/Alamat email dinas|Official e-mail address/).fill(STAFF[role].address);
  await page.getByLabel(/^Kata sandi$|^Password$/).fill(PASSWORD);
  await page.getByRole('button', { name: /^Masuk$|^Sign in$/ }).click();
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByTestId('whoami')).toHaveText(STAFF[role].name);
}

/** A second staff member in their own browser context, same viewport as `page`; their page errors go to `errors`. */
export async function signInAs(browser: Browser, page: Page, role: RoleKey, errors: string[]): Promise<Page> {
  const ctx = await browser.newContext({ baseURL: test.info().project.use.baseURL, viewport: page.viewportSize() ?? undefined });
  const p = await ctx.newPage();
  watchErrors(p, errors);
  await signIn(p, role);
  return p;
}

/** Waits until the WASM has hydrated the page (Leptos marks nothing, so we probe). */
export async function hydrated(page: Page) {
  await page.waitForFunction(() => (window as any).__surel_hydrated === true, null, { timeout: 20_000 });
}

/** Mobile first: the page fits its viewport's width (nothing scrolls sideways). */
export async function fitsWidth(page: Page) {
  const width = page.viewportSize()!.width;
  const [scroll, inner] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  expect(scroll, 'page wider than the viewport').toBeLessThanOrEqual(inner);
  // a mobile browser may widen its layout to the content: also check that no
  // visible element sticks out of the screen, unless a scroll box holds it
  const outside = await page.evaluate((w) => Array.from(document.querySelectorAll('body *'))
    .filter((e) => {
      const r = e.getBoundingClientRect();
      if (r.width === 0 || r.right <= w + 1) return false;
      for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
        if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(p).overflowX)) return false;
      }
      return true;
    })
    .map((e) => e.outerHTML.slice(0, 80)), width);
  expect(outside, 'elements outside the screen').toEqual([]);
}
