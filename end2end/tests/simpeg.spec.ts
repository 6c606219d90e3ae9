import { test, expect, signIn, signInAs, hydrated, fitsPhone } from './fixtures';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

// SOP 004 (F5): the Pengelola SIMPEG uploads the monthly export, checks the
// preview and submits one collective request; a Petugas processes the batch
// (mailboxes without passwords, activation links by SMS); the Pengelola
// downloads NIP → address for SIMPEG, marks it loaded and reports; the
// Pejabat Struktural receives the report.
const CASE: Record<string, { nip: (n: number) => string; phone: (n: number) => string; names: string[] }> = {
  desktop: {
    nip: (n) => `19900101201501100${n}`,
    phone: (n) => `0812-7701-100${n}`,
    names: ['Wulan Sari', 'Dedi Kurniawan', "Ir. Rahmat O'Neil, M.T.", 'Nur <script>alert(1)</script> Aini', 'Fajar Nugraha', 'Lina Marlina'],
  },
  mobile: {
    nip: (n) => `19910202201602200${n}`,
    phone: (n) => `0812-7702-200${n}`,
    names: ['Tari Puspita', 'Eko Prasetyo', 'Hj. Siti Aminah, S.Pd', 'Bayu Saputra 🙂', 'Gilang Ramadhan', 'Rika Amelia'],
  },
};

function csvFile(c: (typeof CASE)[string]): Buffer {
  const header = 'NIP,NAMA,UNIT KERJA,NO HP,EMAIL PRIBADI,HP TERVERIFIKASI,EMAIL TERVERIFIKASI,DATA LENGKAP';
  const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
  const rows = c.names.map((name, i) => {
    const n = i + 1;
    let nip = c.nip(n);
    let phoneOk = 'ya';
    if (n === 5) nip = nip.slice(0, 4) + '13' + nip.slice(6); // month 13: not a NIP
    if (n === 6) phoneOk = 'tidak'; // SOP 004 step 2: only verified phones
    const email = `${name.toLowerCase().replace(/[^a-z]/g, '')}${n}@gmail.com`;
    return [nip, q(name), 'Dinas Pendidikan', c.phone(n), email, phoneOk, 'ya', 'ya'].join(',');
  });
  return Buffer.from([header, ...rows].join('\r\n') + '\r\n');
}

test('bulk accounts: uploaded, checked, submitted, processed, exported, reported, received', async ({ page, browser, pageErrors }, info) => {
  const c = CASE[info.project.name];
  test.skip(!c, 'desktop and mobile only');
  await signIn(page, 'pengelola_simpeg');
  await page.locator('nav.admin-nav').getByRole('link', { name: /SIMPEG/ }).click();
  await expect(page).toHaveURL(/\/admin\/simpeg$/);
  await hydrated(page);

  // A broken spreadsheet gets a clear message; unknown headers get the mapping screen.
  await page.getByTestId('simpeg-file').setInputFiles({ name: 'daftar.xlsx', mimeType: 'application/octet-stream', buffer: Buffer.from('PK\x03\x04 rusak') });
  await expect(page.getByTestId('simpeg-upload-error')).toBeVisible();
  await expect(page.getByTestId('simpeg-file')).toHaveValue('');
  await page.getByTestId('simpeg-file').setInputFiles({ name: 'daftar.csv', mimeType: 'text/csv', buffer: Buffer.from('Nomor Pegawai,Nama Orang\n199001012015011001,Budi\n') });
  await expect(page.getByTestId('simpeg-mapping')).toBeVisible();
  await expect(page.getByLabel('Unit kerja (OPD) *')).toBeVisible();

  // The export: four eligible rows, two rejected with their reasons.
  await page.getByTestId('simpeg-file').setInputFiles({ name: 'simpeg-november.csv', mimeType: 'text/csv', buffer: csvFile(c) });
  await expect(page.getByTestId('simpeg-summary')).toContainText('simpeg-november.csv');
  // hostile names are data, shown as written (desktop: a <script> tag; mobile: an emoji)
  await expect(page.getByTestId('simpeg-rows')).toContainText(c.names[3]);
  await fitsPhone(page);
  await page.getByTestId('simpeg-filter').selectOption('rejected');
  await expect(page.getByTestId('simpeg-rows').locator('tbody tr')).toHaveCount(2);
  const rejected = await page.request.get((await page.getByTestId('simpeg-rejected').getAttribute('href'))!);
  expect(rejected.status()).toBe(200);
  expect((await rejected.body()).subarray(0, 2).toString()).toBe('PK');
  await page.getByTestId('simpeg-filter').selectOption('eligible');
  await expect(page.getByTestId('simpeg-rows').locator('tbody tr')).toHaveCount(4);

  await page.getByTestId('simpeg-submit').click();
  const submitted = page.getByTestId('simpeg-submitted');
  await expect(submitted).toContainText(/SRL-\d{4}-\d{6}/);
  const ticket = /SRL-\d{4}-\d{6}/.exec(await submitted.innerText())![0];
  const url = `/admin/permohonan/${ticket}`;

  // The officer processes the batch; progress shows while it runs.
  const officer = await signInAs(browser, page, 'petugas', pageErrors);
  await expect(officer.getByTestId('queues')).toContainText('proses batch');
  await officer.goto(url);
  await hydrated(officer);
  await expect(officer.getByTestId('request-state')).toHaveText('Menunggu diproses petugas');
  // the file by its name, not the batch's internal record
  await expect(officer.locator('[data-fact="simpeg_batch"]').last()).toHaveText(/^simpeg-november\.csv \(#\d+\)$/);
  await officer.getByTestId('step-proses_batch').click();
  await expect(officer.getByTestId('simpeg-progress-line')).toContainText('4 dari 4 akun dibuat, 0 gagal', { timeout: 30_000 });
  await expect(async () => {
    await officer.reload();
    await expect(officer.getByTestId('request-state')).toHaveText('Pengisian email resmi di SIMPEG', { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  // every owner got a one-time activation link, never a password
  await officer.goto('/admin/kotak-keluar');
  await hydrated(officer);
  const e164 = '+62' + c.phone(1).replace(/\D/g, '').slice(1);
  await expect(officer.locator(`li.outbox-item[data-recipient="${e164}"]`).first()).toContainText('/aktivasi/');

  // The Pengelola downloads NIP → address, marks it loaded and reports.
  await page.goto(url);
  await hydrated(page);
  const exported = await page.request.get((await page.getByTestId('simpeg-export').getAttribute('href'))!);
  expect(exported.status()).toBe(200);
  expect((await exported.body()).subarray(0, 2).toString()).toBe('PK');
  await page.getByTestId('step-tandai_dimuat').click();
  await expect(page.getByTestId('request-state')).toHaveText('Pelaporan');
  await page.getByTestId('step-laporkan').click();
  await expect(page.getByTestId('request-state')).toHaveText('Menunggu penerimaan laporan');

  // The Pejabat Struktural receives it.
  const pejabat = await signInAs(browser, page, 'pejabat_struktural', pageErrors);
  await expect(pejabat.getByTestId('queues')).toContainText('terima laporan');
  await pejabat.goto(url);
  await hydrated(pejabat);
  await pejabat.getByTestId('step-terima_laporan').click();
  await expect(pejabat.getByTestId('request-state')).toHaveText('Selesai');
  await expect(pejabat.locator('[data-testid="timeline"] li').last()).toContainText('Terima laporan');

  // Next month's export has the employment status: the first of them retired. The
  // preview names the mailbox that goes; processing the request switches it off.
  const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
  const december = Buffer.from(
    [
      'NIP,NAMA,UNIT KERJA,NO HP,EMAIL PRIBADI,HP TERVERIFIKASI,EMAIL TERVERIFIKASI,DATA LENGKAP,KEDUDUKAN HUKUM',
      [c.nip(1), q(c.names[0]), 'Dinas Pendidikan', c.phone(1), 'pensiun1@gmail.com', 'ya', 'ya', 'ya', 'Pensiun'].join(','),
      [c.nip(2), q(c.names[1]), 'Dinas Pendidikan', c.phone(2), 'aktif2@gmail.com', 'ya', 'ya', 'ya', 'Aktif'].join(','),
    ].join('\r\n') + '\r\n',
  );
  await page.goto('/admin/simpeg');
  await hydrated(page);
  await page.getByTestId('simpeg-file').setInputFiles({ name: 'simpeg-desember.csv', mimeType: 'text/csv', buffer: december });
  await expect(page.getByTestId('simpeg-leaving')).toContainText('1 orang tidak aktif lagi menurut SIMPEG');
  await page.getByTestId('simpeg-filter').selectOption('leaving');
  const leaver = page.getByTestId('simpeg-rows').locator('tbody tr');
  await expect(leaver).toHaveCount(1);
  await expect(leaver).toContainText('Tidak aktif lagi: akun dinonaktifkan');
  const address = /[a-z0-9.]+@batam\.go\.id/.exec(await leaver.innerText())![0];
  await fitsPhone(page);
  await page.getByTestId('simpeg-submit').click();
  await expect(page.getByTestId('simpeg-submitted')).toContainText(/SRL-\d{4}-\d{6}/);
  const second = /SRL-\d{4}-\d{6}/.exec(await page.getByTestId('simpeg-submitted').innerText())![0];
  expect(second).not.toBe(ticket);
  await officer.goto(`/admin/permohonan/${second}`);
  await hydrated(officer);
  await expect(officer.locator('[data-fact="simpeg_leavers"]')).toHaveText('0/1');
  await officer.getByTestId('step-proses_batch').click();
  await expect(async () => {
    await officer.reload();
    await expect(officer.getByTestId('request-state')).toHaveText('Pengisian email resmi di SIMPEG', { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await expect(officer.locator('[data-fact="simpeg_leavers"]')).toHaveText('1/1');
  await officer.goto(`/admin/akun?q=${address}`);
  await hydrated(officer);
  await expect(officer.locator(`.mailbox-row[data-address="${address}"]`)).toHaveAttribute('data-status', 'disabled');
  for (const p of [officer, pejabat]) await p.context().close();
});

// Issue "done when": a realistic 5,000-row export (made up by `surel
// generate-simpeg`, never real people) is checked, every rejected row says
// why, the officer processes it and the file for SIMPEG comes back.
test('a 5,000-row export end to end @desktop-only', async ({ page, browser, pageErrors }) => {
  test.setTimeout(240_000);
  const bin = `${process.env.CARGO_TARGET_DIR || `${__dirname}/../../target`}/release/surel`;
  const out = path.join(test.info().outputDir, 'simpeg-5000.xlsx');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  execFileSync(bin, ['generate-simpeg', '--rows', '5000', '--seed', '77', '--out', out]);

  await signIn(page, 'pengelola_simpeg');
  await page.goto('/admin/simpeg');
  await hydrated(page);
  await page.getByTestId('simpeg-file').setInputFiles(out);
  const summary = page.getByTestId('simpeg-summary');
  await expect(summary).toContainText('simpeg-5000.xlsx', { timeout: 30_000 });
  const [, total, eligible, rejected] = /(\d+) baris: (\d+) layak, (\d+) ditolak/.exec(await summary.innerText())!.map(Number);
  expect(total).toBe(5000);
  expect(eligible).toBeGreaterThan(3000);
  expect(rejected).toBeGreaterThan(0);
  // every rejected row on the page says why
  await page.getByTestId('simpeg-filter').selectOption('rejected');
  const rows = page.getByTestId('simpeg-rows').locator('tbody tr');
  await expect(rows).toHaveCount(50);
  for (let i = 0; i < 50; i++) await expect(rows.nth(i).locator('.reasons li').first()).not.toBeEmpty();
  const rejectedFile = await page.request.get((await page.getByTestId('simpeg-rejected').getAttribute('href'))!);
  expect(rejectedFile.status()).toBe(200);
  expect((await rejectedFile.body()).subarray(0, 2).toString()).toBe('PK');

  await page.getByTestId('simpeg-submit').click();
  await expect(page.getByTestId('simpeg-submitted')).toContainText(/SRL-\d{4}-\d{6}/, { timeout: 30_000 });
  const ticket = /SRL-\d{4}-\d{6}/.exec(await page.getByTestId('simpeg-submitted').innerText())![0];

  const officer = await signInAs(browser, page, 'petugas', pageErrors);
  await officer.goto(`/admin/permohonan/${ticket}`);
  await hydrated(officer);
  await officer.getByTestId('step-proses_batch').click();
  await expect(officer.getByTestId('simpeg-progress-line')).toContainText(`${eligible} dari ${eligible} akun dibuat, 0 gagal`, { timeout: 180_000 });

  await expect(async () => {
    await page.goto(`/admin/permohonan/${ticket}`);
    await expect(page.getByTestId('request-state')).toHaveText('Pengisian email resmi di SIMPEG', { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await hydrated(page);
  const exported = await page.request.get((await page.getByTestId('simpeg-export').getAttribute('href'))!);
  expect(exported.status()).toBe(200);
  expect(exported.headers()['content-disposition']).toContain('.xlsx');
  expect((await exported.body()).length).toBeGreaterThan(50_000);
  await officer.context().close();
});
