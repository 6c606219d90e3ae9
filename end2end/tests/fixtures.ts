import { test as base, expect, Browser, Page } from '@playwright/test';
import { createHmac } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const PASSWORD = 'sandi-demo-surel-2026';
export const DOMAIN = 'batam.go.id';

/** Demo staff (seeded by `surel seed-demo`) and the navigation each must see. */
export const STAFF = {
  admin: { address: `andi.pratama@${DOMAIN}`, name: 'Andi Pratama', nav: ['/admin', '/admin/permohonan', '/admin/akun', '/admin/dasbor', '/admin/staf', '/admin/layanan', '/admin/audit', '/admin/kotak-keluar', '/admin/keamanan', '/admin/sesi'] },
  auditor: { address: `dewi.lestari@${DOMAIN}`, name: 'Dewi Lestari', nav: ['/admin', '/admin/permohonan', '/admin/akun', '/admin/dasbor', '/admin/layanan', '/admin/audit', '/admin/keamanan', '/admin/sesi'] },
  petugas: { address: `budi.santoso@${DOMAIN}`, name: 'Budi Santoso', nav: ['/admin', '/admin/permohonan', '/admin/akun', '/admin/dasbor', '/admin/kotak-keluar', '/admin/keamanan', '/admin/sesi'] },
  petugas2: { address: `sari.wulandari@${DOMAIN}`, name: 'Sari Wulandari', nav: ['/admin', '/admin/permohonan', '/admin/akun', '/admin/dasbor', '/admin/kotak-keluar', '/admin/keamanan', '/admin/sesi'] },
  kasi: { address: `hendra.gunawan@${DOMAIN}`, name: 'Hendra Gunawan', nav: ['/admin', '/admin/permohonan', '/admin/dasbor', '/admin/keamanan', '/admin/sesi'] },
  kabid: { address: `rudi.hartono@${DOMAIN}`, name: 'Rudi Hartono', nav: ['/admin', '/admin/permohonan', '/admin/dasbor', '/admin/keamanan', '/admin/sesi'] },
  kepala_opd: { address: `siti.rahma@${DOMAIN}`, name: 'Siti Rahma', nav: ['/admin', '/admin/permohonan', '/admin/akun', '/admin/dasbor', '/admin/keamanan', '/admin/sesi'] },
  pengelola_simpeg: { address: `agus.setiawan@${DOMAIN}`, name: 'Agus Setiawan', nav: ['/admin', '/admin/permohonan', '/admin/simpeg', '/admin/dasbor', '/admin/keamanan', '/admin/sesi'] },
  pejabat_struktural: { address: `maya.sari@${DOMAIN}`, name: 'Maya Sari', nav: ['/admin', '/admin/permohonan', '/admin/dasbor', '/admin/keamanan', '/admin/sesi'] },
} as const;
export type RoleKey = keyof typeof STAFF;

/** Every test fails on an uncaught error in the page (a broken hydration shows up here). */
/** Collects uncaught errors of a page (use for extra browser contexts too). */
export function watchErrors(page: Page, errors: string[]) {
  // A navigation that starts while the WASM is still streaming cuts the
  // download short; Chromium reports that as a CompileError of the page being
  // left. It says nothing about the app (a 404 or a hydration panic still fails).
  const aborted = /instantiateStreaming\(\): expected \d+ bytes, fell off end/;
  // each error names the page it happened on
  page.on('pageerror', (e) => { if (!aborted.test(String(e))) errors.push(`${page.url()}: ${String(e)}`); });
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 4\d\d/.test(m.text()) && !aborted.test(m.text())) errors.push(`${page.url()}: ${m.text()}`);
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

/** The TOTP secret `surel seed-demo` gives every demo staff member. */
export const DEMO_TOTP_SECRET = 'KRUXEZLMJVQWY2LEMVWW6MRQGI3FGVKS';

function base32(s: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of s.replace(/[\s=]/g, '').toUpperCase()) bits += alphabet.indexOf(ch).toString(2).padStart(5, '0');
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

/** RFC 6238: SHA-1, 6 digits, 30-second steps. */
export function totp(secret: string, step: number): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', base32(secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return value.toString().padStart(6, '0');
}

// A step is accepted once per account: remember what each address used, and
// the secrets enrolled during the run. Kept in a file of this run's state
// (serve-test.sh starts it empty): Playwright starts a new worker after a
// failed test, and what the last one used must not be forgotten.
type TotpState = { steps: Record<string, number>; secrets: Record<string, string> };
const stateFile = join(__dirname, '..', '.state', 'totp.json');
function loadState(): TotpState {
  return existsSync(stateFile) ? JSON.parse(readFileSync(stateFile, 'utf8')) : { steps: {}, secrets: {} };
}
function saveState(s: TotpState) {
  writeFileSync(stateFile, JSON.stringify(s));
}

/** Remembers a secret enrolled during the tests. */
export function rememberSecret(address: string, secret: string) {
  const s = loadState();
  s.secrets[address] = secret.replace(/\s/g, '');
  saveState(s);
}

/** The code of the next 30-second step `address` has not used (waits when the window is used up). */
export async function nextCode(address: string): Promise<string> {
  for (;;) {
    const now = Math.floor(Date.now() / 30_000);
    const s = loadState();
    const last = s.steps[address];
    // never an older step than now: a 30-second boundary passing between
    // here and the server would push it out of the server's ±1 window
    const step = last === undefined ? now : Math.max(last + 1, now);
    if (step <= now + 1) {
      s.steps[address] = step;
      saveState(s);
      return totp(s.secrets[address] ?? DEMO_TOTP_SECRET, step);
    }
    await new Promise((r) => setTimeout(r, (step - 1) * 30_000 - Date.now() + 200));
  }
}

/** The second sign-in step on `/masuk/verifikasi`, by TOTP code. */
export async function secondStep(page: Page, address: string) {
  await expect(page).toHaveURL(/\/masuk\/verifikasi/);
  await page.getByLabel(/Kode 6 angka|6-digit code/).fill(await nextCode(address));
  await page.getByRole('button', { name: /^Masuk$|^Sign in$/ }).click();
}

// A live session per address: signing the same person in again and again
// would wait for fresh TOTP steps. Tests that end sessions fall back to a
// full sign-in (the session is then gone).
const sessions = new Map<string, string>();

/**
 * Both sign-in steps through the forms (or the person's live session, unless
 * `fresh`: a test that counts sessions needs a new one), landing on /admin.
 */
export async function signIn(page: Page, role: RoleKey, opts: { fresh?: boolean } = {}) {
  const who = STAFF[role];
  const cached = opts.fresh ? undefined : sessions.get(who.address);
  if (cached) {
    await page.context().addCookies([{ name: 'surel_session', value: cached, url: new URL(test.info().project.use.baseURL!).origin }]);
    await page.goto('/admin');
    // an ended session shows the sign-in form at /admin (no whoami)
    const name = await page.getByTestId('whoami').textContent({ timeout: 3_000 }).catch(() => null);
    if (/\/admin$/.test(page.url()) && name === who.name) return;
    sessions.delete(who.address);
    await page.context().clearCookies();
  }
  await page.goto('/masuk');
  await page.getByLabel(/Alamat email dinas|Official e-mail address/).fill(who.address);
  await page.getByLabel(/^Kata sandi$|^Password$/).fill(PASSWORD);
  await page.getByRole('button', { name: /^Masuk$|^Sign in$/ }).click();
  await secondStep(page, who.address);
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByTestId('whoami')).toHaveText(who.name);
  const cookie = (await page.context().cookies()).find((c) => c.name === 'surel_session');
  if (cookie) sessions.set(who.address, cookie.value);
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

/**
 * Mobile first: on a phone the page fits the screen's width and every
 * visible link, button and form control is at least 44 × 44 px to the finger.
 */
export async function fitsPhone(page: Page) {
  await fitsWidth(page);
  if (page.viewportSize()!.width < 600) expect(await smallTouchTargets(page), 'touch targets under 44 × 44 px').toEqual([]);
  expect(await brokenWords(page), 'addresses or tickets broken inside a word').toEqual([]);
}

/**
 * The pieces of addresses, tickets and letter numbers (`Breakable`: text
 * between its `<wbr>`s and spaces) that the browser split over two lines.
 */
export async function brokenWords(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    for (const el of Array.from(document.querySelectorAll('.breakable'))) {
      if ((el as HTMLElement).offsetParent === null) continue;
      for (const node of Array.from(el.childNodes)) {
        if (node.nodeType !== Node.TEXT_NODE || !node.textContent) continue;
        let at = 0;
        for (const piece of node.textContent.split(/(\s+)/)) {
          if (piece.trim()) {
            const r = document.createRange();
            r.setStart(node, at);
            r.setEnd(node, at + piece.length);
            const lines = new Set(Array.from(r.getClientRects()).filter((b) => b.width > 0).map((b) => Math.round(b.top)));
            if (lines.size > 1) out.push(`${piece} in ${el.textContent}`);
          }
          at += piece.length;
        }
      }
    }
    return out;
  });
}

/** Every visible link, button and form control that is not 44 × 44 px to the finger. */
export async function smallTouchTargets(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const sel = 'a[href], button, summary, select, textarea, input:not([type=hidden]):not(.visually-hidden)';
    for (const raw of Array.from(document.querySelectorAll(sel))) {
      // a checkbox or radio counts by its label, which is the touch target
      const el = (raw as HTMLInputElement).type === 'checkbox' || (raw as HTMLInputElement).type === 'radio'
        ? (raw.closest('label') ?? raw) : raw;
      const style = getComputedStyle(el);
      if ((el as HTMLElement).offsetParent === null && style.position !== 'fixed') continue;
      if (style.visibility === 'hidden') continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      if (r.height < 43.5 || r.width < 43.5) {
        out.push(`${Math.round(r.width)}×${Math.round(r.height)} ${el.outerHTML.replace(/\s+/g, ' ').slice(0, 100)}`);
      }
    }
    return out;
  });
}
