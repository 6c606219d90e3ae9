import { test, expect, signIn, signInAs, hydrated, fitsPhone } from './fixtures';

// SOP 000 (F3): Kepala OPD asks for a unit/event account with the official
// letter, Kabid PE approves, one officer enters the account data, a second
// officer approves it (the mailbox is created and tested on the real mail
// server), the responsible person gets an activation link, the report goes out.
// Each role works in its own browser.
const CASE: Record<string, { local: string; phone: string; nip: string }> = {
  desktop: { local: 'ppdb.disdik', phone: '0812-7400-0001', nip: '198001012005011001' },
  mobile: { local: 'mtq.disdik', phone: '0812-7400-0002', nip: '198202022006042002' },
};

const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

test('unit account: submitted with a letter, approved, entered, verified, tested, reported', async ({ page, browser, pageErrors }, info) => {
  const c = CASE[info.project.name];
  test.skip(!c, 'desktop and mobile only');
  await signIn(page, 'kepala_opd');
  await page.goto('/admin/permohonan');
  await hydrated(page);
  await page.getByRole('link', { name: 'Ajukan akun OPD / kegiatan / event' }).click();
  await expect(page).toHaveURL(/\/admin\/akun-unit\/baru$/);

  // Bad input: each field says what is wrong; a text file posing as a PDF is refused.
  await page.getByLabel('Surat resmi (PDF, maks. 5 MB)').setInputFiles({ name: 'surat.pdf', mimeType: 'application/pdf', buffer: Buffer.from('bukan pdf') });
  await expect(page.getByTestId('file-error')).toContainText('PDF');
  // the refused file leaves the input (its name would read as attached)
  await expect(page.getByLabel('Surat resmi (PDF, maks. 5 MB)')).toHaveValue('');
  await page.getByLabel('Usulan alamat email').fill('yusuf.hakim');
  await page.getByLabel('Usulan alamat email').blur();
  await expect(page.getByTestId('address-taken')).toBeVisible();
  await page.getByLabel('NIP penanggung jawab (18 angka)').fill('123');
  await page.getByRole('button', { name: 'Ajukan permohonan' }).click();
  await expect(page.locator('#purpose-error')).toBeVisible();
  await expect(page.locator('#proposed_local-error')).toHaveText('Alamat ini sudah dipakai.');
  await expect(page.locator('#responsible_nip-error')).toBeVisible();
  await expect(page.locator('#letter_file-error')).toHaveText('Lampirkan surat resmi (PDF, maks. 5 MB).');

  // Now right.
  await page.getByLabel('Keperluan').fill('Layanan penerimaan peserta didik baru 2027');
  await page.getByLabel('Usulan alamat email').fill(c.local);
  // the answer about the old address goes as soon as the field changes
  await expect(page.getByTestId('address-taken')).toHaveCount(0);
  await page.getByLabel('Usulan alamat email').blur();
  await expect(page.getByTestId('address-free')).toContainText(`${c.local}@batam.go.id`);
  await page.getByLabel('Nama penanggung jawab').fill('Ahmad Fauzi');
  await page.getByLabel('NIP penanggung jawab (18 angka)').fill(c.nip);
  await page.getByLabel('Nomor HP penanggung jawab').fill(c.phone);
  await page.getByLabel('Nomor surat').fill('800/123/DISDIK/2026');
  await page.getByLabel('Tanggal surat').fill('2026-11-20');
  await page.getByLabel('Surat resmi (PDF, maks. 5 MB)').setInputFiles({ name: 'surat-permohonan.pdf', mimeType: 'application/pdf', buffer: PDF });
  // choosing a file answers "attach the letter" at once
  await expect(page.locator('#letter_file-error')).toBeEmpty();
  await expect(page.getByTestId('file-ok')).toContainText('surat-permohonan.pdf');
  await page.getByRole('button', { name: 'Ajukan permohonan' }).click();
  await expect(page).toHaveURL(/\/admin\/permohonan\/SRL-\d{4}-\d{6}$/);
  const url = page.url();
  await expect(page.getByTestId('request-state')).toHaveText('Menunggu persetujuan Kabid PE');
  await expect(page.getByTestId('attachments')).toContainText('surat-permohonan.pdf');

  // Kabid PE: from the queue on the home page, approve in two taps.
  const kabid = await signInAs(browser, page, 'kabid', pageErrors);
  await expect(kabid.getByTestId('queues')).toContainText('Akun OPD/kegiatan: menunggu persetujuan');
  // a queue's count opens that queue's list, as long as the count says
  const approvals = kabid.locator('[data-queue="unit_account_approve"]');
  const count = Number(await approvals.locator('.queue-count').textContent());
  expect(count).toBeGreaterThan(0);
  await approvals.locator('.queue-head').click();
  await expect(kabid).toHaveURL(/\/admin\/permohonan\?antrean=unit_account_approve$/);
  await expect(kabid.getByTestId('queue-filter')).toContainText('Akun OPD/kegiatan: menunggu persetujuan');
  await expect(kabid.getByTestId('requests').locator('.request-row')).toHaveCount(count);
  await kabid.goto(url);
  await hydrated(kabid);
  await kabid.getByTestId('approve').click();
  await expect(kabid.getByTestId('request-state')).toHaveText('Input data akun');
  // what happened and who acts next, in words
  await expect(kabid.getByTestId('step-done')).toContainText('Input data akun');
  await expect(kabid.getByTestId('step-done')).toContainText(/Menunggu Petugas.*standar 30 menit/);
  // and not "nothing for you" under it, as if nothing had happened
  await expect(kabid.getByText('Tidak ada langkah untuk Anda saat ini.')).toHaveCount(0);
  // the timeline names people and their roles, not addresses
  await expect(kabid.getByTestId('timeline')).toContainText('Rudi Hartono (Kepala Bidang PE)');
  await expect(kabid.getByTestId('timeline')).not.toContainText('@');
  await fitsPhone(kabid);

  // First officer enters the data; the proposal is prefilled.
  const budi = await signInAs(browser, page, 'petugas', pageErrors);
  await budi.goto(url);
  await hydrated(budi);
  await expect(budi.getByLabel('Alamat email final')).toHaveValue(c.local);
  await budi.getByLabel('Kuota (MB)').fill('5');
  await budi.getByRole('button', { name: 'Simpan data akun' }).click();
  await expect(budi.locator('#quota_mb-error')).toHaveText('Kuota antara 100 dan 51200 MB.');
  // the error summary takes the focus and links to the field's message
  await expect(budi.getByTestId('error-summary')).toBeFocused();
  await expect(budi.getByTestId('error-summary').getByRole('link', { name: 'Kuota antara 100 dan 51200 MB.' })).toHaveAttribute('href', '#quota_mb-error');
  await budi.getByLabel('Kuota (MB)').fill('4096');
  // the field's message goes once it is changed (the next save checks it again)
  await budi.getByLabel('Kuota (MB)').blur();
  await expect(budi.locator('#quota_mb-error')).toBeEmpty();
  await expect(budi.getByLabel('Kuota (MB)')).toHaveAttribute('aria-invalid', 'false');
  await budi.getByLabel(/^Alias/).fill(`${c.local}.info`);
  await budi.getByRole('button', { name: 'Simpan data akun' }).click();
  await expect(budi.getByTestId('request-state')).toHaveText('Verifikasi data akun');
  // four eyes: not the same officer, and the page says why
  await expect(budi.getByTestId('approve-data')).toHaveCount(0);
  await expect(budi.getByTestId('four-eyes')).toContainText('petugas lain');

  // Second officer approves: the mailbox is created and tested on the mail server.
  const sari = await signInAs(browser, page, 'petugas2', pageErrors);
  await sari.goto(url);
  await hydrated(sari);
  await sari.getByTestId('approve-data').click();
  await expect(sari.getByTestId('request-state')).toHaveText('Pelaporan', { timeout: 20_000 });
  await expect(sari.locator('[data-fact="test"]')).toContainText('terbaca di server surat');
  await expect(sari.locator('[data-fact="address"]')).toHaveText(`${c.local}@batam.go.id`);
  await sari.getByTestId('send-report').click();
  await expect(sari.getByTestId('request-state')).toHaveText('Selesai');
  await expect(sari.locator('[data-testid="timeline"] li')).toHaveCount(6);

  // The responsible person got a one-time activation link by SMS.
  await sari.goto('/admin/kotak-keluar');
  await hydrated(sari);
  const e164 = '+62' + c.phone.replace(/\D/g, '').slice(1);
  await expect(sari.locator(`li.outbox-item[data-recipient="${e164}"]`).first()).toContainText('/aktivasi/');

  // The applicant sees the finished request.
  await page.goto(url);
  await expect(page.getByTestId('request-state')).toHaveText('Selesai');
  for (const p of [kabid, budi, sari]) await p.context().close();
});
