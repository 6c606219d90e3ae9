import { test, expect, hydrated, signIn, fitsPhone } from './fixtures';
import { Browser, Page } from '@playwright/test';

/** Each project resets its own demo owner, so parallel runs never collide. */
const OWNERS: Record<string, { address: string; phone: string }> = {
  desktop: { address: 'yusuf.hakim@batam.go.id', phone: '+6281290000001' },
  mobile: { address: 'nurul.aini@batam.go.id', phone: '+6281290000002' },
  nojs: { address: 'dimas.saputra@batam.go.id', phone: '+6281290000004' },
};
const NEW_PASSWORD = 'lentera-Pantai-kenari-8-sagu';

/** Reads the newest code sent to `phone` from the outbox page, as a demo user would. */
async function codeFromOutbox(browser: Browser, phone: string, nth = 1): Promise<string> {
  const ctx = await browser.newContext({ baseURL: test.info().project.use.baseURL });
  const page = await ctx.newPage();
  await signIn(page, 'petugas');
  await page.goto('/admin/kotak-keluar');
  const item = page.locator(`li.outbox-item[data-recipient="${phone}"]`).filter({ hasText: 'Kode Surel' });
  await expect(item).toHaveCount(nth, { timeout: 15_000 });
  const text = await item.first().locator('.outbox-body').innerText();
  await ctx.close();
  return /\b(\d{6})\b/.exec(text)![1];
}

test('reset with JavaScript: live checks, countdown, new password @reset', async ({ page, browser }, info) => {
  const owner = OWNERS[info.project.name];
  await page.goto('/ganti-sandi');
  await hydrated(page);
  await fitsPhone(page);
  await page.getByLabel('Alamat email dinas').fill(owner.address);
  await page.getByRole('button', { name: 'Kirim kode SMS' }).click();
  await expect(page.getByTestId('code-sent')).toContainText(owner.address);
  await hydrated(page);
  // the countdown runs in the browser
  const resend = page.getByTestId('reset-resend').getByRole('button');
  await expect(resend).toBeDisabled();
  await expect(resend).toHaveText(/Kirim ulang kode dalam \d+ detik/);
  const first = await resend.innerText();
  await expect(resend).not.toHaveText(first);
  // the code field checks its format as you type
  await page.getByLabel('Kode dari SMS').fill('12a');
  await expect(page.locator('#code-error')).toHaveText('Kode terdiri atas 6 angka.');
  // the strength meter and rules react
  const pw = page.getByLabel('Kata sandi baru', { exact: true });
  await pw.fill('pendek');
  await expect(page.locator('#password-error')).toContainText('minimal 15 karakter');
  await expect(page.getByTestId('strength').locator('span')).toHaveAttribute('data-score', /[01]/);
  await pw.fill(NEW_PASSWORD);
  await expect(page.locator('#password-error')).toBeEmpty();
  await expect(page.getByTestId('strength').locator('span')).toHaveAttribute('data-score', /[34]/);
  await page.getByLabel('Ulangi kata sandi baru').fill(NEW_PASSWORD + 'x');
  await expect(page.locator('#password_confirm-error')).toHaveText('Kedua kata sandi tidak sama.');
  await page.getByLabel('Ulangi kata sandi baru').fill(NEW_PASSWORD);
  await expect(page.getByText('Kedua kata sandi sama.')).toBeVisible();
  await fitsPhone(page);

  const code = await codeFromOutbox(browser, owner.phone);
  await page.getByLabel('Kode dari SMS').fill(code);
  await page.getByRole('button', { name: 'Simpan kata sandi baru' }).click();
  await expect(page.getByTestId('password-saved')).toBeVisible();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Kata sandi tersimpan');
});

test('reset with JavaScript off, at 320 px @nojs', async ({ page, browser }) => {
  const owner = OWNERS.nojs;
  await page.goto('/ganti-sandi');
  await fitsPhone(page);
  // a bad address gets a field message and keeps what was typed
  await page.getByLabel('Alamat email dinas').fill('bukan alamat');
  await page.getByRole('button', { name: 'Kirim kode SMS' }).click();
  await expect(page.locator('#address-error')).toContainText('alamat email lengkap');
  await expect(page.getByLabel('Alamat email dinas')).toHaveValue('bukan alamat');
  // without JavaScript too, the error summary has the focus and links to the field
  await expect(page.getByTestId('error-summary')).toBeFocused();
  await expect(page.getByTestId('error-summary').getByRole('link')).toHaveAttribute('href', '#address-error');
  await page.getByLabel('Alamat email dinas').fill(owner.address);
  await page.getByRole('button', { name: 'Kirim kode SMS' }).click();
  await expect(page.getByTestId('code-sent')).toContainText(owner.address);
  await expect(page.locator('.suggestion code')).toBeVisible(); // an example passphrase, no JS needed
  await fitsPhone(page);
  // a wrong code is refused with the tries left
  const code = await codeFromOutbox(browser, owner.phone);
  const wrong = code === '000000' ? '111111' : '000000';
  await page.getByLabel('Kode dari SMS').fill(wrong);
  await page.getByLabel('Kata sandi baru', { exact: true }).fill(NEW_PASSWORD);
  await page.getByLabel('Ulangi kata sandi baru').fill(NEW_PASSWORD);
  await page.getByRole('button', { name: 'Simpan kata sandi baru' }).click();
  await expect(page.locator('#code-error')).toHaveText('Kode salah. Sisa 4 kali percobaan.');
  // the right code with a mismatch: the code is accepted, the phone is shown, only the password is asked again
  await page.getByLabel('Kode dari SMS').fill(code);
  await page.getByLabel('Kata sandi baru', { exact: true }).fill(NEW_PASSWORD);
  await page.getByLabel('Ulangi kata sandi baru').fill('lain');
  await page.getByRole('button', { name: 'Simpan kata sandi baru' }).click();
  await expect(page.getByTestId('code-verified')).toContainText('+62 812-****-004');
  await expect(page.locator('#password_confirm-error')).toHaveText('Kedua kata sandi tidak sama.');
  await expect(page.getByLabel('Kode dari SMS')).toHaveCount(0);
  await page.getByLabel('Kata sandi baru', { exact: true }).fill(NEW_PASSWORD);
  await page.getByLabel('Ulangi kata sandi baru').fill(NEW_PASSWORD);
  await page.getByRole('button', { name: 'Simpan kata sandi baru' }).click();
  await expect(page.getByTestId('password-saved')).toBeVisible();
});

test('people without the phone find the in-person path @nojs', async ({ page }) => {
  await page.goto('/ganti-sandi');
  await page.getByTestId('no-sms-link').click();
  await expect(page).toHaveURL(/\/ganti-sandi\/tanpa-sms$/);
  await expect(page.getByTestId('no-sms')).toContainText('surat penugasan');
  await expect(page.getByTestId('no-sms')).toContainText('Kepala Seksi');
  await fitsPhone(page);
});

test('unknown addresses see the same step as real ones @reset', async ({ page }) => {
  await page.goto('/ganti-sandi');
  await page.getByLabel('Alamat email dinas').fill('tidak.ada.sama.sekali@batam.go.id');
  await page.getByRole('button', { name: 'Kirim kode SMS' }).click();
  await expect(page.getByTestId('code-sent')).toContainText('tidak.ada.sama.sekali@batam.go.id');
  await expect(page.getByLabel('Kode dari SMS')).toBeVisible();
});

test('public pages load the light bundle, never the staff app @reset', async ({ page }) => {
  const fetched: string[] = [];
  page.on('request', (r) => fetched.push(new URL(r.url()).pathname));
  // a page with nothing to enhance loads no script at all
  await page.goto('/masuk');
  await page.waitForLoadState('load');
  expect(fetched.filter((p) => /\.(js|wasm)$/.test(p))).toEqual([]);
  // the reset page's second step comes alive with the light bundle (an unknown
  // address gets the same step, and no SMS)
  await page.goto('/ganti-sandi');
  await page.getByLabel('Alamat email dinas').fill('tidak.ada.lagi@batam.go.id');
  await page.getByRole('button', { name: 'Kirim kode SMS' }).click();
  await expect(page.getByTestId('code-sent')).toBeVisible();
  await hydrated(page);
  await page.getByLabel('Kata sandi baru', { exact: true }).fill('pendek');
  await expect(page.locator('#password-error')).toContainText('minimal 15 karakter');
  await page.getByLabel('Kode dari SMS').fill('12');
  await expect(page.locator('#code-error')).toHaveText('Kode terdiri atas 6 angka.');
  expect(fetched).toContain('/pkg/light_bg.wasm');
  expect(fetched.filter((p) => p.startsWith('/pkg/surel.') && !p.endsWith('.css'))).toEqual([]);
});
