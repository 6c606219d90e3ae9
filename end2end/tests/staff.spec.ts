import { test, expect, signIn, hydrated, fitsPhone, nextCode, rememberSecret } from './fixtures';

test('the admin grants a role to a new staff member, who gets an activation link by SMS', async ({ page, browser }, info) => {
  await signIn(page, 'admin');
  await page.goto('/admin/staf');
  await hydrated(page);
  const local = `petugas.baru.${info.project.name}`;
  await page.getByLabel('Alamat email dinas').fill(`${local}@batam.go.id`);
  await page.getByLabel('Nama lengkap').fill(`Petugas Baru ${info.project.name}`);
  await page.getByLabel('Nomor HP').fill('0812 not a number');
  await page.getByLabel('Peran', { exact: true }).selectOption('petugas');
  await page.getByRole('button', { name: 'Tambah peran' }).click();
  await expect(page.locator('#phone-error')).toHaveText('Nomor HP hanya boleh berisi angka, spasi, tanda hubung, dan + di depan.');
  const phone = info.project.name === 'desktop' ? '0812-7100-0001' : '0812-7100-0002';
  await page.getByLabel('Nomor HP').fill(phone);
  await page.getByRole('button', { name: 'Tambah peran' }).click();
  await expect(page.getByTestId('staff-added')).toContainText('Tautan aktivasi dikirim');
  const row = page.locator(`li.staff-row[data-address="${local}@batam.go.id"]`);
  await expect(row).toContainText('Petugas Pengelola Data Akun Email');

  // the link arrives in the outbox; the new staff member sets a password and signs in
  await page.goto('/admin/kotak-keluar');
  await hydrated(page);
  const e164 = '+62' + phone.replace(/\D/g, '').slice(1);
  const body = await page.locator(`li.outbox-item[data-recipient="${e164}"] .outbox-body`).first().innerText();
  const link = /(http:\/\/\S+\/aktivasi\/\S+)/.exec(body)![1];
  const ctx = await browser.newContext({ baseURL: test.info().project.use.baseURL, viewport: page.viewportSize() ?? undefined });
  const newcomer = await ctx.newPage();
  await newcomer.goto(link);
  await newcomer.getByLabel('Kata sandi baru', { exact: true }).fill('damai-Pelita-ombak-3-rotan');
  await newcomer.getByLabel('Ulangi kata sandi baru').fill('damai-Pelita-ombak-3-rotan');
  await newcomer.getByRole('button', { name: 'Simpan kata sandi' }).click();
  await expect(newcomer.getByTestId('password-saved')).toBeVisible();
  await newcomer.goto('/masuk');
  await newcomer.getByLabel('Alamat email dinas').fill(`${local}@batam.go.id`);
  await newcomer.getByLabel(/^Kata sandi$/).fill('damai-Pelita-ombak-3-rotan');
  await newcomer.getByRole('button', { name: 'Masuk' }).click();
  // a staff member without a second factor adds one before any staff page opens
  await expect(newcomer).toHaveURL(/\/masuk\/faktor-baru$/);
  const address = `${local}@batam.go.id`;
  await expect(newcomer.locator('.qr svg')).toBeVisible();
  await fitsPhone(newcomer);
  rememberSecret(address, await newcomer.getByTestId('totp-secret').innerText());
  await newcomer.getByLabel('Kode 6 angka dari aplikasi autentikator').fill('000000');
  await newcomer.getByRole('button', { name: 'Simpan dan masuk' }).click();
  await expect(newcomer.locator('#enroll-code-error')).toContainText('Kode salah');
  await newcomer.getByLabel('Kode 6 angka dari aplikasi autentikator').fill(await nextCode(address));
  await newcomer.getByRole('button', { name: 'Simpan dan masuk' }).click();
  await expect(newcomer.getByTestId('recovery-codes').locator('li')).toHaveCount(10);
  await newcomer.getByTestId('continue').click();
  await expect(newcomer.getByTestId('whoami')).toHaveText(`Petugas Baru ${info.project.name}`);
  await ctx.close();

  // removing the role takes effect at once
  await page.goto('/admin/staf');
  await hydrated(page);
  await row.getByRole('button', { name: /Cabut peran/ }).click();
  await expect(row).toHaveCount(0);
});

test('the last system administrator cannot be removed @desktop-only', async ({ page }) => {
  await signIn(page, 'admin');
  await page.goto('/admin/staf');
  await hydrated(page);
  const row = page.locator('li.staff-row[data-address="andi.pratama@batam.go.id"]');
  await row.getByRole('button', { name: /Cabut peran Admin sistem/ }).click();
  await expect(page.locator('.banner-error')).toContainText('Admin sistem terakhir tidak dapat dicabut.');
  await expect(row).toContainText('Admin sistem');
});

test('a staff member sees their sessions and can end them all', async ({ page, browser }) => {
  await signIn(page, 'pejabat_struktural');
  // other tests may have left sessions of this account: count, then add one
  await page.goto('/admin/sesi');
  const before = await page.getByTestId('sessions').locator('li').count();
  expect(before).toBeGreaterThanOrEqual(1);
  const ctx = await browser.newContext({ baseURL: test.info().project.use.baseURL });
  const other = await ctx.newPage();
  await signIn(other, 'pejabat_struktural', { fresh: true });
  await page.goto('/admin/sesi');
  await hydrated(page);
  await expect(page.getByTestId('sessions').locator('li')).toHaveCount(before + 1);
  await expect(page.getByTestId('sessions')).toContainText('Perangkat ini');
  await page.getByTestId('end-all').click();
  await expect(page).toHaveURL(/\/masuk\?keluar=1/);
  await other.goto('/admin');
  await expect(other).toHaveURL(/\/masuk\?next=/);
  await ctx.close();
});

test('on a phone the staff tabs scroll sideways with the current tab in view', async ({ page }, info) => {
  test.skip(info.project.name !== 'mobile', 'the tabs become a sideways list below 900 px');
  await signIn(page, 'admin');
  // the last tab of the eight: far to the right of a 360 px screen
  await page.goto('/admin/sesi');
  await hydrated(page);
  await fitsPhone(page);
  const nav = page.locator('nav.admin-nav');
  const current = nav.locator('a[aria-current=page]');
  await expect(current).toHaveAttribute('href', '/admin/sesi');
  await expect.poll(async () => {
    const [n, a] = [await nav.boundingBox(), await current.boundingBox()];
    return !!n && !!a && a.x >= n.x - 1 && a.x + a.width <= n.x + n.width + 1;
  }, { message: 'the current tab is scrolled into view' }).toBe(true);
  await expect(nav).toHaveClass(/at-end/);
  // on the first tab there is more to the right, and the edge says so
  await page.goto('/admin');
  await hydrated(page);
  await expect(nav).not.toHaveClass(/at-end/);
});
