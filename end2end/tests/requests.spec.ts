import { test, expect, signIn, hydrated, fitsPhone } from './fixtures';

// SOP 001 "no" branch (F2): the owner comes to the desk, the officer records the
// identity document and the new number, the owner reads back the code sent to
// it, and a Kasi approves in their own browser.
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);

const OWNER: Record<string, { address: string; phone: string }> = {
  desktop: { address: 'fitri.handayani@batam.go.id', phone: '0812-7300-0001' },
  mobile: { address: 'rina.marlina@batam.go.id', phone: '0812-7300-0002' },
};

test('phone change at the desk: recorded, code read back, approved by the Kasi', async ({ page, browser }, info) => {
  const owner = OWNER[info.project.name];
  test.skip(!owner, 'desktop and mobile only');
  await signIn(page, 'petugas');
  // the list says what it shows, before and after hydration
  await page.goto('/admin/permohonan');
  await expect(page.getByLabel('Hanya yang masih berjalan')).toBeChecked();
  await hydrated(page);
  await expect(page.getByLabel('Hanya yang masih berjalan')).toBeChecked();
  await page.goto('/admin/ganti-nomor');
  await hydrated(page);

  // Bad input: every field says what is wrong, in Indonesian.
  await page.getByLabel('Alamat email dinas pemilik').fill('tidak.ada@batam.go.id');
  await page.getByLabel('Nomor dokumen').fill('1');
  await page.getByLabel('Nomor HP baru').fill('12ab');
  await page.getByRole('button', { name: 'Catat dan kirim kode' }).click();
  await expect(page.locator('#address-error')).toHaveText('Akun email ini tidak terdaftar di Surel.');
  await expect(page.locator('#doc_number-error')).toHaveText('Nomor dokumen 4–64 karakter.');
  await expect(page.locator('#new_phone-error')).toHaveText('Nomor HP hanya boleh berisi angka, spasi, tanda hubung, dan + di depan.');
  // all at once: the missing scan is reported with the rest, not on the next submit
  await expect(page.locator('#doc_scan-error')).toHaveText('Lampirkan foto/pindaian dokumen identitas (PDF, JPEG, atau PNG, maks. 5 MB).');
  // the summary's links too are finger-sized
  await fitsPhone(page);

  await page.getByLabel('Alamat email dinas pemilik').fill(owner.address);
  await page.getByLabel('Jenis dokumen identitas').selectOption('ktp');
  await page.getByLabel('Nomor dokumen').fill('2171015508900003');
  await page.getByLabel('Nomor HP baru').fill(owner.phone);
  // the scan of the document is part of the record
  await page.getByRole('button', { name: 'Catat dan kirim kode' }).click();
  await expect(page.locator('#doc_scan-error')).toHaveText('Lampirkan foto/pindaian dokumen identitas (PDF, JPEG, atau PNG, maks. 5 MB).');
  await page.getByLabel(/Foto\/pindaian dokumen identitas/).setInputFiles({ name: 'ktp.png', mimeType: 'image/png', buffer: PNG });
  await expect(page.getByTestId('file-ok')).toContainText('ktp.png');
  await page.getByRole('button', { name: 'Catat dan kirim kode' }).click();
  await expect(page).toHaveURL(/\/admin\/permohonan\/SRL-\d{4}-\d{6}$/);
  const requestUrl = page.url();
  await expect(page.getByTestId('request-state')).toHaveText('Menunggu kode dari pemilik');
  await expect(page.locator('[data-fact="doc_number"]')).toHaveText('••••0003');
  // the owner's name, to compare with the identity document
  await expect(page.locator('[data-fact="owner_name"]')).not.toBeEmpty();
  await expect(page.getByTestId('attachments')).toContainText('ktp.png');
  // the scan opens in the browser, with a download beside it
  await expect(page.getByTestId('attachment-view')).toHaveAttribute('href', /^\/lampiran\/\d+\?lihat=1$/);
  await hydrated(page);
  await fitsPhone(page);

  // The code went to the new number (demo outbox).
  await page.goto('/admin/kotak-keluar');
  await hydrated(page);
  const e164 = '+62' + owner.phone.replace(/\D/g, '').slice(1);
  // found by the number as the officer writes it; states in words; times in WIB
  await page.getByLabel('Cari penerima (nomor HP atau email)').fill(owner.phone);
  await page.getByTestId('outbox-search').getByRole('button', { name: 'Cari' }).click();
  // the count names the search it answers: the list below is the searched one
  await expect(page.getByTestId('outbox-found')).toContainText(`pesan untuk ${owner.phone}`);
  const items = page.locator('li.outbox-item');
  await expect(items.first()).toHaveAttribute('data-recipient', e164);
  expect(await items.evaluateAll((li) => li.every((x) => x.getAttribute('data-recipient') === (li[0] as HTMLElement).dataset.recipient))).toBe(true);
  await expect(items.first().getByTestId('outbox-status')).toHaveText(/^(Antre|Sedang dikirim|Terkirim)$/);
  await expect(items.first()).toContainText(/\d{2}-\d{2}-\d{4} \d{2}:\d{2} WIB/);
  await fitsPhone(page);
  // the demo notice reads as information, not as an error
  await expect(page.locator('.banner-info[role="note"]')).toContainText('Mode demo');
  const body = await page.locator(`li.outbox-item[data-recipient="${e164}"] .outbox-body`).first().innerText();
  const code = /\b(\d{6})\b/.exec(body)![1];

  await page.goto(requestUrl);
  await hydrated(page);
  await page.getByLabel('Kode dari pemilik (6 angka)').fill(code === '000000' ? '111111' : '000000');
  await page.getByRole('button', { name: 'Konfirmasi kode' }).click();
  await expect(page.locator('#code-error')).toContainText('Kode salah');
  await page.getByLabel('Kode dari pemilik (6 angka)').fill(code);
  await page.getByRole('button', { name: 'Konfirmasi kode' }).click();
  await expect(page.getByTestId('request-state')).toHaveText('Menunggu persetujuan Kasi');
  // the officer cannot approve their own recording
  await expect(page.getByTestId('approve')).toHaveCount(0);

  // The Kasi was sent a link to the request.
  await page.goto('/admin/kotak-keluar');
  await hydrated(page);
  const path = new URL(requestUrl).pathname;
  const notice = page.locator('li.outbox-item .outbox-body', { hasText: `${path}` }).filter({ hasText: 'menunggu persetujuan Anda' }).first();
  const link = /(http:\/\/\S+\/admin\/permohonan\/SRL-\d{4}-\d{6})/.exec(await notice.innerText())![1];

  // The Kasi, in a browser of their own: the queue, the link, then two taps.
  const ctx = await browser.newContext({ baseURL: test.info().project.use.baseURL, viewport: page.viewportSize() ?? undefined });
  const kasi = await ctx.newPage();
  await signIn(kasi, 'kasi');
  await expect(kasi.getByTestId('queues')).toContainText('Ganti nomor HP: menunggu persetujuan');
  await kasi.goto(link);
  await hydrated(kasi);
  await kasi.getByTestId('approve').click();
  await expect(kasi.getByTestId('request-state')).toHaveText('Selesai');
  await expect(kasi.locator('[data-testid="timeline"] li')).toHaveCount(3);
  await expect(kasi.locator('[data-testid="timeline"] li').last()).toContainText('Disetujui');
  await ctx.close();

  // The new number and the mailbox were told; the request shows as done.
  await page.goto('/admin/kotak-keluar');
  await hydrated(page);
  await expect(page.locator(`li.outbox-item[data-recipient="${e164}"]`).first()).toContainText('/ganti-sandi');
  await page.goto(requestUrl);
  await expect(page.getByTestId('request-state')).toHaveText('Selesai');
});
