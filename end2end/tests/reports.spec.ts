import { test, expect, signIn, hydrated, fitsPhone } from './fixtures';

// Service levels (Admin sistem), the dashboard and the monthly recap.
test('the admin sets a standard time; bad values are refused field by field', async ({ page }, info) => {
  test.skip(info.project.name === 'nojs', 'needs JavaScript');
  await signIn(page, 'admin');
  await page.locator('nav.admin-nav').getByRole('link', { name: 'Standar layanan' }).click();
  await expect(page).toHaveURL(/\/admin\/layanan$/);
  await hydrated(page);
  const kabid = page.getByLabel(/Akun OPD.*Menunggu persetujuan Kabid PE/);
  await expect(kabid).toHaveValue(/^\d+$/);
  await fitsPhone(page);
  const before = await kabid.inputValue();

  await kabid.fill('0');
  await page.getByLabel(/Satu tanggal per baris/).fill('2026-12-25\nbesok');
  await page.getByRole('button', { name: 'Simpan standar layanan' }).click();
  await expect(page.locator('#step-unit_account-menunggu_kabid-error')).toHaveText('Isi waktu standar 1–4800 menit.');
  await expect(page.locator('#holidays-error')).toContainText('besok');

  const next = before === '10' ? '12' : '10';
  await kabid.fill(next);
  await page.getByLabel(/Satu tanggal per baris/).fill('2026-12-25');
  await page.getByRole('button', { name: 'Simpan standar layanan' }).click();
  await expect(page.getByTestId('levels-saved')).toBeVisible();
  await page.reload();
  await hydrated(page);
  await expect(page.getByLabel(/Akun OPD.*Menunggu persetujuan Kabid PE/)).toHaveValue(next);
  await expect(page.getByLabel(/Satu tanggal per baris/)).toHaveValue('2026-12-25');
});

test('the auditor reads the service levels but cannot change them', async ({ page }, info) => {
  test.skip(info.project.name === 'nojs', 'needs JavaScript');
  await signIn(page, 'auditor');
  await page.goto('/admin/layanan');
  await hydrated(page);
  await expect(page.getByLabel(/Akun OPD.*Menunggu persetujuan Kabid PE/)).toBeDisabled();
  await expect(page.getByRole('button', { name: 'Simpan standar layanan' })).toHaveCount(0);
});

test('the dashboard shows each request type with its steps, and the recap downloads', async ({ page }, info) => {
  test.skip(info.project.name === 'nojs', 'needs JavaScript');
  await signIn(page, 'petugas');
  await page.locator('nav.admin-nav').getByRole('link', { name: 'Dasbor' }).click();
  await expect(page).toHaveURL(/\/admin\/dasbor$/);
  await hydrated(page);
  const personal = page.locator('section.flow-stats[data-kind="personal_account"]');
  await expect(personal).toContainText('SOP 002');
  await expect(personal.locator('tr[data-state="pemeriksaan"]')).toContainText('15 mnt');
  await expect(page.locator('section.flow-stats[data-kind="phone_change"] [data-stat="open"]')).toHaveText(/^\d+$/);
  await fitsPhone(page);
  // the picker shows the month on screen; another month: the page asks the server again
  // in the page's language, not the browser's
  const monthList = page.getByRole('combobox', { name: 'Bulan' });
  await expect(monthList.locator('option')).toHaveText(['Januari', 'Februari', 'Maret', 'April', 'Mei', 'Juni', 'Juli', 'Agustus', 'September', 'Oktober', 'November', 'Desember']);
  await expect(page.getByTestId('dashboard-month')).toContainText(/(Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|September|Oktober|November|Desember) \d{4}/);
  await page.getByRole('combobox', { name: 'Tahun' }).selectOption('2026');
  await page.getByRole('combobox', { name: 'Bulan' }).selectOption('1');
  await expect(page.getByTestId('dashboard-month')).toContainText('Januari 2026');
  // the step table fits the screen: no column is cut or hidden to the side
  const cut = await page.locator('.table-wrap').evaluateAll((ws) => ws.filter((w) => w.scrollWidth > w.clientWidth + 1).length);
  expect(cut, 'tables wider than the screen').toBe(0);
  // steps in SOP order, each with its own number
  const numbers = await personal.locator('tbody th').evaluateAll((ths) => ths.map((t) => t.textContent!.split('.')[0]));
  expect(new Set(numbers).size).toBe(numbers.length);
  expect(numbers[0]).toBe('1');
  await expect(personal.locator('[data-stat="created"]')).toHaveText('0');

  // The recap files are real spreadsheets, only for staff.
  const xlsxHref = await personal.getByTestId('recap-xlsx').getAttribute('href');
  const xlsx = await page.request.get(xlsxHref!);
  expect(xlsx.status()).toBe(200);
  expect(xlsx.headers()['content-type']).toContain('spreadsheetml');
  expect((await xlsx.body()).subarray(0, 2).toString()).toBe('PK');
  const csv = await page.request.get((await personal.getByTestId('recap-csv').getAttribute('href'))!);
  expect(csv.status()).toBe(200);
  expect((await csv.text())).toContain('Tiket,Perihal,OPD');
  const anonymous = await page.context().browser()!.newContext();
  const refused = await anonymous.request.get(`${info.project.use.baseURL}${xlsxHref}`, { maxRedirects: 0 });
  expect(refused.status()).toBe(303);
  await anonymous.close();
});
