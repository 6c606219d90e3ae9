import { test, expect, hydrated, fitsPhone, PASSWORD } from './fixtures';
import { Page } from '@playwright/test';

// Rina's password is changed and changed back in every project (one server
// for all three). requests.spec (mobile) gives her a reset phone at the desk,
// so the phone line is either "none yet" or a masked number.
const RINA = 'rina.marlina@batam.go.id';
const NEW_PASSWORD = 'Delima-teluk-angin-6-sampan';

async function signInOwner(page: Page, password: string) {
  await page.goto('/akun');
  const form = page.getByTestId('owner-sign-in');
  await form.getByLabel('Alamat email dinas').fill(RINA);
  await form.getByLabel('Kata sandi', { exact: true }).fill(password);
  await form.getByRole('button', { name: 'Masuk' }).click();
  await expect(page.getByTestId('owner-who')).toContainText('Rina Marlina');
}

async function changePassword(page: Page, from: string, to: string) {
  const form = page.getByTestId('owner-password');
  await form.getByLabel('Kata sandi saat ini').fill(from);
  await form.getByLabel('Kata sandi baru', { exact: true }).fill(to);
  await form.getByLabel('Ulangi kata sandi baru').fill(to);
  await form.getByRole('button', { name: 'Simpan kata sandi baru' }).click();
  await expect(page.getByTestId('owner-notice')).toContainText('Kata sandi baru tersimpan');
}

async function signOut(page: Page) {
  await page.getByTestId('owner-sign-out').click();
  await expect(page.getByTestId('owner-notice')).toHaveText('Anda sudah keluar.');
  await expect(page.getByTestId('owner-sign-in')).toBeVisible();
}

test('an owner reaches /akun from the home page, sees the phone and changes the password @owner', async ({ page }) => {
  await page.goto('/');
  await page.getByTestId('tile-owner').click();
  await expect(page).toHaveURL(/\/akun$/);
  await hydrated(page);
  await fitsPhone(page);
  await signInOwner(page, PASSWORD);
  await hydrated(page);
  await expect(page.getByTestId('owner-phone')).toHaveText(/\+62 \d{3}-\*{4}-\d{3}, terdaftar sejak|Belum ada nomor HP/);
  await expect(page.getByTestId('owner-phone-desk')).toHaveAttribute('href', '/ganti-sandi/tanpa-sms');
  await fitsPhone(page);

  // live checks from the light bundle, and the server's verdict on the current password
  const form = page.getByTestId('owner-password');
  await form.getByLabel('Kata sandi baru', { exact: true }).fill('pendek');
  await expect(page.locator('#password-error')).toContainText('minimal 15 karakter');
  await form.getByLabel('Kata sandi saat ini').fill('bukan-sandi-yang-ini');
  await form.getByLabel('Kata sandi baru', { exact: true }).fill(NEW_PASSWORD);
  await form.getByLabel('Ulangi kata sandi baru').fill(NEW_PASSWORD);
  await form.getByRole('button', { name: 'Simpan kata sandi baru' }).click();
  await expect(page.locator('#current-error')).toHaveText('Kata sandi saat ini salah.');

  await changePassword(page, PASSWORD, NEW_PASSWORD);
  await expect(page.getByTestId('owner-sessions')).toHaveText('Sesi lain yang masih aktif: 0.');
  await fitsPhone(page);
  await signOut(page);

  // the new password works; put the old one back for the other projects
  await signInOwner(page, NEW_PASSWORD);
  await changePassword(page, NEW_PASSWORD, PASSWORD);
  await signOut(page);
});

test('/akun without JavaScript on a 320 px phone @nojs', async ({ page }) => {
  await page.goto('/akun');
  await fitsPhone(page);
  // an empty form says what is missing, field by field
  await page.getByTestId('owner-sign-in').getByRole('button', { name: 'Masuk' }).click();
  await expect(page.locator('#address-error')).toHaveText('Wajib diisi.');
  await expect(page.locator('#password-error')).toHaveText('Wajib diisi.');
  await signInOwner(page, PASSWORD);
  await fitsPhone(page);
  // mismatched passwords: the server says so on the field
  const form = page.getByTestId('owner-password');
  await form.getByLabel('Kata sandi saat ini').fill(PASSWORD);
  await form.getByLabel('Kata sandi baru', { exact: true }).fill(NEW_PASSWORD);
  await form.getByLabel('Ulangi kata sandi baru').fill(NEW_PASSWORD + 'x');
  await form.getByRole('button', { name: 'Simpan kata sandi baru' }).click();
  await expect(page.locator('#password_confirm-error')).toHaveText('Kedua kata sandi tidak sama.');
  await fitsPhone(page);
  await changePassword(page, PASSWORD, NEW_PASSWORD);
  await signOut(page);
  await signInOwner(page, NEW_PASSWORD);
  await changePassword(page, NEW_PASSWORD, PASSWORD);
  await signOut(page);
});
