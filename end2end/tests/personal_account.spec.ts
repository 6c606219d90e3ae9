import { test, expect, signIn, signInAs, hydrated, fitsPhone } from './fixtures';
import type { Page } from '@playwright/test';

// SOP 002 (F4): an ASN applicant with no account applies on the public page,
// proving the phone with a code; the Kasi returns it for correction; the
// applicant fixes it through the link from the SMS; the Kasi approves; an
// officer creates the account, which Surel tests on the mail server and
// whose activation link goes to the applicant; the applicant follows it all
// with the ticket number and a code.
// surnames the SIMPEG generator never uses: the 5,000-row test creates many generated people
const CASE: Record<string, { name: string; suggested: string; fixed: string; nip: string; born: string; phone: string }> = {
  desktop: { name: 'Dr. Ratna Tjokrodiningrat, S.Kom', suggested: 'ratna.tjokrodiningrat', fixed: 'ratna.tj', nip: '199203152019032015', born: '15-03-1992', phone: '0812-7600-0001' },
  mobile: { name: 'Bambang Tjahjono', suggested: 'bambang.tjahjono', fixed: 'bambang.tj', nip: '198811022015031004', born: '02-11-1988', phone: '0812-7600-0002' },
};

const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

/** The newest SMS to `e164` that matches `pattern`, read on the demo outbox page. */
async function sms(officer: Page, e164: string, pattern: RegExp): Promise<string> {
  await officer.goto('/admin/kotak-keluar');
  await hydrated(officer);
  const body = await officer.locator(`li.outbox-item[data-recipient="${e164}"] .outbox-body`, { hasText: pattern }).first().innerText();
  return body;
}

test('personal account: applied, returned, corrected, approved, created, tested, followed', async ({ page, browser, pageErrors }, info) => {
  const c = CASE[info.project.name];
  test.skip(!c, 'desktop and mobile only');
  const e164 = '+62' + c.phone.replace(/\D/g, '').slice(1);
  const officer = await signInAs(browser, page, 'petugas', pageErrors);

  // The applicant finds the form from the front page.
  await page.goto('/');
  await page.getByRole('link', { name: /Minta akun email ASN/ }).click();
  await expect(page).toHaveURL(/\/permohonan-akun$/);
  await hydrated(page);
  await fitsPhone(page);

  // Nothing filled in: every field says what is missing, in Indonesian.
  await page.getByRole('button', { name: 'Kirim permohonan' }).click();
  await expect(page.locator('#name-error')).toHaveText('Nama wajib diisi.');
  await expect(page.locator('#nip-error')).toHaveText('NIP wajib diisi.');
  await expect(page.locator('#unit_id-error')).toHaveText('Wajib diisi.');
  await expect(page.locator('#personal_email-error')).toHaveText('Alamat email wajib diisi.');
  await expect(page.locator('#form_file-error')).toContainText('formulir yang sudah ditandatangani (PDF, JPEG, atau PNG, maks. 5 MB)');
  // the error summary takes the focus and links to each field's message
  const summary = page.getByTestId('error-summary');
  await expect(summary).toBeFocused();
  await expect(summary.getByRole('link', { name: 'Nama lengkap: Nama wajib diisi.' })).toHaveAttribute('href', '#name-error');
  // two fields that say the same are told apart by their labels
  await expect(summary.getByRole('link', { name: /^Email pribadi: / })).toHaveAttribute('href', '#personal_email-error');

  // The name suggests an address (titles dropped), checked live; the
  // name's message goes once it is changed.
  await page.getByLabel('Nama lengkap').fill(c.name);
  await page.getByLabel('Nama lengkap').blur();
  await expect(page.locator('#name-error')).toBeEmpty();
  await expect(page.getByLabel('Usulan alamat email')).toHaveValue(c.suggested);
  await expect(page.getByTestId('address-free')).toContainText(`${c.suggested}@batam.go.id`);
  // "available" goes as soon as the field holds another address
  await page.getByLabel('Usulan alamat email').fill(`${c.suggested}x`);
  await expect(page.getByTestId('address-free')).toHaveCount(0);
  await page.getByLabel('Usulan alamat email').fill(c.suggested);
  await page.getByLabel('Usulan alamat email').blur();
  await expect(page.getByTestId('address-free')).toContainText(`${c.suggested}@batam.go.id`);
  // the NIP is checked again in the browser, by the server's rules, once changed
  await page.getByLabel('NIP').fill('1992 0315 2019 13 2 015');
  await page.getByLabel('NIP').blur();
  await expect(page.locator('#nip-error')).toContainText('pengangkatan');
  await page.getByLabel('OPD').selectOption({ label: 'Dinas Pendidikan' });
  await page.getByLabel('Nomor HP').fill(c.phone);
  await page.getByLabel('Email pribadi').fill('nama@batam.go.id');
  // a file of another type is refused and leaves the input
  await page.getByLabel('Formulir yang sudah ditandatangani').setInputFiles({ name: 'catatan.txt', mimeType: 'text/plain', buffer: Buffer.from('bukan formulir') });
  await expect(page.getByTestId('file-error')).toContainText('PDF, JPEG, atau PNG');
  await expect(page.getByLabel('Formulir yang sudah ditandatangani')).toHaveValue('');
  await page.getByLabel('Formulir yang sudah ditandatangani').setInputFiles({ name: 'formulir.pdf', mimeType: 'application/pdf', buffer: PDF });
  await expect(page.getByTestId('file-ok')).toContainText('formulir.pdf');
  await page.getByRole('button', { name: 'Kirim permohonan' }).click();
  await expect(page.locator('#nip-error')).toContainText('pengangkatan');
  await expect(page.locator('#personal_email-error')).toHaveText('Gunakan email pribadi (misalnya Gmail), bukan alamat dinas.');

  // The phone is proved by a code.
  await page.getByLabel('NIP').fill(c.nip);
  await page.getByLabel('Email pribadi').fill(`${c.suggested}@gmail.com`);
  await page.getByRole('button', { name: 'Kirim permohonan' }).click();
  await expect(page.locator('#phone_code-error')).toContainText('Minta kode lewat SMS dulu');
  await page.getByTestId('send-code').click();
  await expect(page.getByTestId('code-sent')).toBeVisible();
  const code = /\b(\d{6})\b/.exec(await sms(officer, e164, /permohonan akun email ASN/))![1];
  await page.getByLabel('Kode dari SMS').fill(code === '000000' ? '111111' : '000000');
  await page.getByRole('button', { name: 'Kirim permohonan' }).click();
  await expect(page.locator('#phone_code-error')).toContainText('Kode salah');
  await page.getByLabel('Kode dari SMS').fill(code);
  await page.getByRole('button', { name: 'Kirim permohonan' }).click();
  await expect(page.getByTestId('apply-done')).toBeVisible();
  // one clear next link, not the same link twice
  await expect(page.getByRole('link', { name: 'Cek status permohonan', exact: true }).filter({ visible: true })).toHaveCount(1);
  const ticket = (await page.getByTestId('apply-ticket').innerText()).trim();
  expect(ticket).toMatch(/^SRL-\d{4}-\d{6}$/);
  const url = `/admin/permohonan/${ticket}`;

  // The Kasi sees it in the queue and returns it for correction with a reason.
  const kasi = await signInAs(browser, page, 'kasi', pageErrors);
  await expect(kasi.getByTestId('queues')).toContainText('Akun ASN: menunggu pemeriksaan');
  await kasi.goto(url);
  await hydrated(kasi);
  await expect(kasi.getByTestId('request-state')).toHaveText('Pemeriksaan Kasi');
  await expect(kasi.locator('[data-fact="nip_info"]')).toContainText(c.born);
  await expect(kasi.getByTestId('attachments')).toContainText('formulir.pdf');
  await kasi.getByTestId('return-fix').click();
  await expect(kasi.locator('#note-error')).toHaveText('Tuliskan alasannya.');
  await kasi.getByLabel('Alasan').fill('Formulir belum ditandatangani atasan');
  await kasi.getByTestId('return-fix').click();
  await expect(kasi.getByTestId('request-state')).toHaveText('Dikembalikan untuk perbaikan');

  // The applicant opens the link from the SMS, sees why, and corrects it.
  const fix = /(\/permohonan-akun\/perbaiki\/\S+)/.exec(await sms(officer, e164, /perlu diperbaiki/))![1];
  await page.goto(fix);
  await hydrated(page);
  await expect(page.getByTestId('fix-note')).toContainText('Formulir belum ditandatangani atasan');
  await expect(page.getByLabel('NIP')).toHaveValue(c.nip);
  await page.getByLabel('Usulan alamat email').fill(c.fixed);
  await page.getByLabel('Usulan alamat email').blur();
  await expect(page.getByTestId('address-free')).toContainText(`${c.fixed}@batam.go.id`);
  await page.getByLabel(/Formulir baru/).setInputFiles({ name: 'formulir-ttd.pdf', mimeType: 'application/pdf', buffer: PDF });
  await expect(page.getByTestId('file-ok')).toContainText('formulir-ttd.pdf');
  await page.getByRole('button', { name: 'Kirim perbaikan' }).click();
  await expect(page.getByTestId('apply-done')).toContainText('Perbaikan terkirim');
  // the link works once
  await page.goto(fix);
  await expect(page.getByTestId('link-invalid')).toBeVisible();
  await expect(page.getByTestId('to-status')).toHaveAttribute('href', '/permohonan-akun/status');

  // The Kasi approves in one tap; the history shows the correction.
  await kasi.goto(url);
  await hydrated(kasi);
  await expect(kasi.locator('[data-fact="revision"]')).toContainText('Usulan alamat email');
  await expect(kasi.locator('[data-fact="revision"]')).not.toContainText('proposed_local');
  // and the timeline's note names the form's labels too
  await expect(kasi.getByTestId('timeline')).toContainText('Diperbaiki: Usulan alamat email, Formulir bertanda tangan');
  await expect(kasi.getByTestId('timeline')).not.toContainText('proposed_local');
  // the corrected form and the first one, labelled
  await expect(kasi.getByTestId('attachments')).toContainText('formulir-ttd.pdf (versi baru)');
  await expect(kasi.getByTestId('attachments')).toContainText('(versi lama)');
  await kasi.getByTestId('approve').click();
  await expect(kasi.getByTestId('request-state')).toHaveText('Pembuatan akun');

  // The officer creates the account; Surel tests it and sends the activation link.
  await officer.goto(url);
  await hydrated(officer);
  await expect(officer.getByLabel('Alamat email final')).toHaveValue(c.fixed);
  await officer.getByRole('button', { name: 'Buat akun dan uji' }).click();
  await expect(officer.getByTestId('request-state')).toHaveText('Selesai', { timeout: 20_000 });
  await expect(officer.locator('[data-fact="test"]')).toContainText('terbaca di server surat');
  await expect(officer.locator('[data-fact="address"]')).toHaveText(`${c.fixed}@batam.go.id`);
  const activation = await sms(officer, e164, /\/aktivasi\//);
  expect(activation).toContain(`${c.fixed}@batam.go.id`);
  expect(activation).not.toMatch(/sandi(nya)? (adalah|:)/i);

  // The applicant follows the request with the ticket and a code.
  await page.goto(`/permohonan-akun/status?tiket=${ticket}`);
  await hydrated(page);
  await expect(page.getByLabel('Nomor tiket')).toHaveValue(ticket);
  await page.getByRole('button', { name: 'Kirim kode' }).click();
  await expect(page.getByTestId('status-code')).toBeVisible();
  const statusCode = /\b(\d{6})\b/.exec(await sms(officer, e164, /status tiket/))![1];
  await page.getByLabel('Kode dari SMS').fill(statusCode);
  await page.getByRole('button', { name: 'Lihat status' }).click();
  await expect(page.getByTestId('status-state')).toHaveText('Selesai');
  await fitsPhone(page);
  await expect(page.getByTestId('status-view')).toContainText(`${c.fixed}@batam.go.id`);
  await expect(page.getByTestId('status-view')).toContainText('Formulir belum ditandatangani atasan');
  await expect(page.getByTestId('status-view')).not.toContainText('hendra.gunawan');
  // what to do next: the activation SMS, how long it lasts, and what if it never came
  await expect(page.getByTestId('status-hint')).toContainText('72 jam');
  await expect(page.getByTestId('status-hint')).toContainText('/ganti-sandi');
  // the account test is Surel's own step, not shown to the applicant
  await expect(page.getByTestId('status-view')).not.toContainText('Uji akun');
  for (const p of [officer, kasi]) await p.context().close();
});

test('the application page offers the blank form to print and says where it goes, without JavaScript @nojs', async ({ page }) => {
  await page.goto('/permohonan-akun');
  await page.getByTestId('blank-form-link').click();
  await expect(page).toHaveURL(/\/permohonan-akun\/formulir$/);
  const form = page.getByTestId('blank-form');
  // the same fields the online form asks for, the statement and two signatures
  for (const label of ['Nama lengkap', 'NIP', 'OPD', 'Usulan alamat email', 'Nomor HP', 'Email pribadi']) {
    await expect(form).toContainText(label);
  }
  await expect(form).toContainText('atasan langsung');
  // where it goes: uploaded with the application, not brought to the office
  await expect(form).toContainText('unggah');
  await fitsPhone(page);
  // a page to print: no script at all
  expect(await page.locator('script[src]').count()).toBe(0);
});
