import { test, expect, signIn, secondStep, hydrated, fitsPhone, nextCode, rememberSecret, STAFF, PASSWORD } from './fixtures';

test('the second step refuses a wrong code and takes the right one, without JavaScript @nojs', async ({ page }) => {
  const who = STAFF.auditor;
  await page.goto('/masuk');
  await page.getByLabel('Alamat email dinas').fill(who.address);
  await page.getByLabel(/^Kata sandi$/).fill(PASSWORD);
  await page.getByRole('button', { name: 'Masuk' }).click();
  await expect(page).toHaveURL(/\/masuk\/verifikasi$/);
  await expect(page.getByText(who.address)).toBeVisible();
  await page.getByLabel('Kode 6 angka dari aplikasi autentikator').fill('000000');
  await page.getByRole('button', { name: 'Masuk', exact: true }).click();
  await expect(page.locator('#totp-code-error')).toContainText('Kode salah');
  await secondStep(page, who.address);
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByTestId('whoami')).toHaveText(who.name);
});

test('a staff member replaces the authenticator app on the security page', async ({ page }, info) => {
  const who = info.project.name === 'desktop' ? STAFF.petugas2 : STAFF.kabid;
  await signIn(page, info.project.name === 'desktop' ? 'petugas2' : 'kabid');
  await page.goto('/admin/keamanan');
  await hydrated(page);
  await expect(page.getByTestId('factors')).toContainText('Aplikasi autentikator');
  await fitsPhone(page);
  await page.getByTestId('replace-totp').click();
  const secret = await page.getByTestId('totp-secret').innerText();
  await expect(page.locator('.qr svg')).toBeVisible();
  await fitsPhone(page);
  // a code from the old app does not confirm the new key
  await page.getByLabel('Kode 6 angka dari aplikasi autentikator').fill(await nextCode(who.address));
  await page.getByTestId('confirm-totp').click();
  await expect(page.locator('#code-error')).toContainText('Kode salah');
  rememberSecret(who.address, secret);
  await page.getByLabel('Kode 6 angka dari aplikasi autentikator').fill(await nextCode(who.address));
  await page.getByTestId('confirm-totp').click();
  await expect(page.getByTestId('totp-replaced')).toBeVisible();
  // new recovery codes, shown once
  await page.getByTestId('new-recovery').click();
  await expect(page.getByTestId('recovery-codes').locator('li')).toHaveCount(10);
});

test('a passkey added on the security page signs in (virtual authenticator) @desktop-only', async ({ page, context }) => {
  // Browsers take no IP address as a relying party: on 127.0.0.1 Surel uses localhost.
  const origin = `http://localhost:${new URL(test.info().project.use.baseURL!).port}`;
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  const who = STAFF.pejabat_struktural;
  const password = async () => {
    await page.goto(`${origin}/masuk`);
    await page.getByLabel('Alamat email dinas').fill(who.address);
    await page.getByLabel(/^Kata sandi$/).fill(PASSWORD);
    await page.getByRole('button', { name: 'Masuk' }).click();
    await expect(page).toHaveURL(/\/masuk\/verifikasi$/);
  };
  await password();
  await secondStep(page, who.address);
  await expect(page.getByTestId('whoami')).toHaveText(who.name);
  await page.goto(`${origin}/admin/keamanan`);
  await hydrated(page);
  await page.getByLabel('Nama passkey').fill('Laptop uji');
  await page.getByTestId('add-passkey').click();
  await expect(page.getByTestId('passkey-added')).toBeVisible();
  await expect(page.getByTestId('factors')).toContainText('Laptop uji');
  await page.getByRole('button', { name: 'Keluar' }).click();
  await expect(page).toHaveURL(/\/masuk\?keluar=1/);
  // the password, then the passkey instead of a code
  await password();
  await hydrated(page);
  await page.getByTestId('use-passkey').click();
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByTestId('whoami')).toHaveText(who.name);
});
