import { readFileSync } from 'node:fs';
import { test, expect, signIn, hydrated, fitsPhone } from './fixtures';

// This owner is switched off and on again here. requests.spec (desktop) changes
// her reset phone at the desk, so the phone is checked for its mask only.
const FITRI = 'fitri.handayani@batam.go.id';

test('an officer finds a mailbox, sees who owns it and what happened, switches it off and on', async ({ page }) => {
  await signIn(page, 'petugas');
  await hydrated(page);
  await page.locator('nav.admin-nav').getByRole('link', { name: 'Akun email' }).click();
  await expect(page).toHaveURL(/\/admin\/akun$/);
  await expect(page.getByTestId('mailbox-found')).toContainText('akun ditemukan');

  // the search goes into the address, so Back returns to it
  // (SIMPEG specs add many generated people, some of them called Fitri: search the address)
  await page.getByLabel('Cari akun').fill('Fitri.Handayani');
  await page.getByRole('button', { name: 'Cari', exact: true }).click();
  await expect(page).toHaveURL(/\/admin\/akun\?q=Fitri\.Handayani/);
  await expect(page.getByTestId('mailbox-found')).toHaveText('1 akun ditemukan');
  const row = page.locator(`.mailbox-row[data-address="${FITRI}"]`);
  await expect(row).toHaveAttribute('data-status', 'active');
  await fitsPhone(page);

  await row.getByRole('link').click();
  await expect(page).toHaveURL(/\/admin\/akun\/\d+$/);
  await expect(page.getByTestId('mailbox-address')).toHaveText(FITRI);
  const facts = page.getByTestId('mailbox-facts');
  await expect(facts).toContainText('Fitri Handayani');
  await expect(facts).toContainText('199402142019032006');
  await expect(facts).toContainText(/\+62 812-\*{4}-\d{3}/);
  await expect(facts).not.toContainText('81290000005');
  await expect(page.getByTestId('mailbox-status')).toHaveText('Aktif');
  await fitsPhone(page);

  // switching off needs a reason; the error is on the field
  const form = page.getByTestId('mailbox-change');
  await form.getByRole('button', { name: 'Nonaktifkan akun' }).click();
  await expect(page.locator('#reason-error')).toHaveText('Tuliskan alasannya.');
  await form.getByLabel('Alasan').fill('Pensiun per 1 Desember 2026');
  await form.getByRole('button', { name: 'Nonaktifkan akun' }).click();
  await expect(page.getByTestId('mailbox-changed')).toBeVisible();
  await expect(page.getByTestId('mailbox-status')).toHaveText('Nonaktif');
  await expect(page.getByTestId('mailbox-status-line')).toContainText('Pensiun per 1 Desember 2026');
  // the newest entry of its history (the mobile run finds the desktop run's below)
  const newest = page.getByTestId('mailbox-audit').locator('li').first();
  await expect(newest).toHaveAttribute('data-action', 'mailbox.disabled');
  await expect(newest).toContainText('Akun email dinonaktifkan');
  await fitsPhone(page);

  // Back: the same search, the new state
  await page.goBack();
  await expect(page).toHaveURL(/\/admin\/akun\?q=Fitri\.Handayani/);
  await expect(row).toHaveAttribute('data-status', 'disabled');
  await row.getByRole('link').click();

  // and on again: the first choice now
  await expect(page.getByTestId('mailbox-status')).toHaveText('Nonaktif');
  await expect(form.getByLabel('Aktifkan kembali')).toBeChecked();
  await form.getByLabel('Alasan').fill('Salah orang, masih bertugas');
  await form.getByRole('button', { name: 'Aktifkan kembali' }).click();
  await expect(page.getByTestId('mailbox-status')).toHaveText('Aktif');
  await expect(newest).toHaveAttribute('data-action', 'mailbox.enabled');
});

test('the directory filters by status and kind, and a wrong quota is refused on its field', async ({ page }) => {
  await signIn(page, 'admin');
  await page.goto('/admin/akun?status=active&jenis=personal&urut=newest');
  await hydrated(page);
  await expect(page.getByLabel('Status')).toHaveValue('active');
  const rows = page.locator('.mailbox-row');
  await expect(rows.first()).toBeVisible();
  expect(await rows.evaluateAll((rs) => rs.every((r) => r.getAttribute('data-status') === 'active'))).toBe(true);
  // the same list as a file
  await page.goto('/admin/akun?q=rina');
  await hydrated(page);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('mailbox-export').getByRole('link', { name: 'Unduh CSV' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^akun-email-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = readFileSync((await download.path())!, 'utf8');
  expect(csv).toContain('rina.marlina@batam.go.id,Rina Marlina,198911112014032005');
  expect(csv).not.toContain('yusuf.hakim');
  await page.goto('/admin/akun?q=tidak-ada-akun-begini');
  await expect(page.getByTestId('mailbox-found')).toHaveText('Tidak ada akun yang cocok. Periksa ejaan atau kurangi saringan.');

  await page.goto('/admin/akun?q=rina.marlina');
  await page.locator('.mailbox-row').first().getByRole('link').click();
  await hydrated(page);
  const form = page.getByTestId('mailbox-change');
  await form.getByLabel('Ubah kuota').check();
  await form.getByLabel('Kuota baru (MB)').fill('10');
  await form.getByRole('button', { name: 'Ubah kuota' }).click();
  // every error at once: the quota and the missing reason
  await expect(page.locator('#quota_mb-error')).toHaveText('Kuota antara 100 dan 51200 MB.');
  await expect(page.locator('#reason-error')).toHaveText('Tuliskan alasannya.');
  // the form keeps what was typed, and the chosen change
  await expect(form.getByLabel('Kuota baru (MB)')).toHaveValue('10');
  await expect(form.getByLabel('Ubah kuota')).toBeChecked();
  await expect(page.getByTestId('mailbox-quota')).not.toHaveText('10 MB');
});

// The demo seeds retired owners whose mailboxes were switched off long ago
// and are listed for deletion (domain::seed::LEAVERS): the desktop run
// deletes one, the phone run keeps one (a spare stays for a retry).
test('mailboxes switched off past the retention period wait for an officer, who deletes or keeps them', async ({ page }, testInfo) => {
  await signIn(page, 'petugas');
  await page.goto('/admin/akun');
  await hydrated(page);
  const banner = page.getByTestId('mailbox-awaiting-deletion');
  await expect(banner).toContainText('menunggu keputusan Anda');
  await fitsPhone(page);
  await banner.getByRole('link', { name: 'Tampilkan' }).click();
  await expect(page).toHaveURL(/\/admin\/akun\?status=marked_for_deletion$/);
  await expect(page.getByLabel('Status')).toHaveValue('marked_for_deletion');
  await expect(banner).toHaveCount(0);
  const rows = page.locator('.mailbox-row');
  await expect(rows.first()).toBeVisible();
  expect(await rows.evaluateAll((rs) => rs.every((r) => r.getAttribute('data-status') === 'marked_for_deletion'))).toBe(true);
  const address = (await rows.first().getAttribute('data-address'))!;
  await rows.first().getByRole('link').click();
  await expect(page.getByTestId('mailbox-address')).toHaveText(address);
  await expect(page.getByTestId('mailbox-status')).toHaveText('Menunggu penghapusan');
  const form = page.getByTestId('mailbox-change');
  // the decision comes first, deleting is preselected and needs a reason
  await expect(form.getByLabel('Hapus akun')).toBeChecked();
  await expect(form).toContainText('alamatnya tetap tercatat');
  await fitsPhone(page);
  await form.getByRole('button', { name: 'Hapus akun' }).click();
  await expect(page.locator('#reason-error')).toHaveText('Tuliskan alasannya.');

  if (testInfo.project.name === 'desktop') {
    await form.getByLabel('Alasan').fill('Pensiun, masa simpan sudah lewat');
    await form.getByRole('button', { name: 'Hapus akun' }).click();
    await expect(page.getByTestId('mailbox-status')).toHaveText('Dihapus');
    await expect(page.getByTestId('mailbox-deleted')).toBeVisible();
    await expect(page.getByTestId('mailbox-change')).toHaveCount(0);
    await expect(page.getByTestId('mailbox-audit').locator('li').first()).toHaveAttribute('data-action', 'mailbox.deleted');
    await expect(page.getByTestId('mailbox-facts')).not.toContainText('+62 812');
  } else {
    await form.getByLabel('Pertahankan (tetap nonaktif)').check();
    await expect(form).toContainText('satu masa simpan penuh');
    await form.getByLabel('Alasan').fill('Masih diperlukan untuk audit keuangan');
    await form.getByRole('button', { name: 'Pertahankan (tetap nonaktif)' }).click();
    await expect(page.getByTestId('mailbox-changed')).toBeVisible();
    await expect(page.getByTestId('mailbox-status')).toHaveText('Nonaktif');
    await expect(page.getByTestId('mailbox-audit').locator('li').first()).toHaveAttribute('data-action', 'mailbox.kept');
  }
  await fitsPhone(page);
  // back in the list, that mailbox waits no more
  await page.goto('/admin/akun?status=marked_for_deletion');
  await hydrated(page);
  await expect(page.locator(`.mailbox-row[data-address="${address}"]`)).toHaveCount(0);
});

// The demo's unit mailbox (domain::seed::UNIT_MAILBOXES) forwards to Sari.
// Each run adds and removes its own target, so the two never meet.
test('a unit mailbox forwards to the people who answer it, keeps its copy, and a personal one cannot forward', async ({ page }, testInfo) => {
  const UNIT = 'pengaduan@batam.go.id';
  const SARI = 'sari.wulandari@batam.go.id';
  const target = testInfo.project.name === 'desktop' ? 'rina.marlina@batam.go.id' : 'nurul.aini@batam.go.id';
  await signIn(page, 'petugas');
  await page.goto('/admin/akun?q=pengaduan');
  await hydrated(page);
  await page.locator(`.mailbox-row[data-address="${UNIT}"]`).getByRole('link').click();
  await expect(page.getByTestId('mailbox-address')).toHaveText(UNIT);
  const forwards = page.getByTestId('mailbox-forwards');
  await expect(forwards).toContainText(SARI);
  await fitsPhone(page);

  const form = page.getByTestId('mailbox-change');
  await form.getByLabel('Teruskan ke akun lain').check();
  await form.getByLabel('Akun tujuan').fill('pengaduan');
  await form.getByLabel('Alasan').fill('Petugas piket pengaduan');
  await form.getByRole('button', { name: 'Teruskan ke akun lain' }).click();
  await expect(page.locator('#forward-error')).toHaveText('Akun tidak bisa diteruskan ke dirinya sendiri.');
  await expect(form.getByLabel('Akun tujuan')).toHaveAttribute('aria-invalid', 'true');
  await fitsPhone(page);
  // the part before @ is enough
  await form.getByLabel('Akun tujuan').fill(target.split('@')[0]);
  await form.getByRole('button', { name: 'Teruskan ke akun lain' }).click();
  await expect(page.getByTestId('mailbox-changed')).toBeVisible();
  await expect(forwards).toContainText(target);
  await expect(page.getByTestId('mailbox-audit').locator('li[data-action="mailbox.forward_added"]').first()).toBeVisible();

  // and stopped again; Sari's stays
  await form.getByLabel('Hentikan penerusan').check();
  await form.getByLabel('Penerusan yang dihentikan').selectOption({ label: target });
  await form.getByLabel('Alasan').fill('Piket pengaduan selesai');
  await form.getByRole('button', { name: 'Hentikan penerusan' }).click();
  await expect(forwards).not.toContainText(target);
  await expect(forwards).toContainText(SARI);
  await expect(page.getByTestId('mailbox-audit').locator('li[data-action="mailbox.forward_removed"]').first()).toBeVisible();

  // the target's page says whose mail it also gets, and a personal mailbox does not forward
  await page.goto('/admin/akun?q=sari.wulandari');
  await hydrated(page);
  await page.locator(`.mailbox-row[data-address="${SARI}"]`).getByRole('link').click();
  await expect(page.getByTestId('mailbox-forwarded-from')).toContainText(UNIT);
  await expect(page.getByTestId('mailbox-change')).toBeVisible();
  await expect(page.getByTestId('mailbox-change').getByLabel('Teruskan ke akun lain')).toHaveCount(0);
  await fitsPhone(page);
});
