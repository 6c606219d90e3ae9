import { test, expect, signIn, secondStep, STAFF, RoleKey, hydrated } from './fixtures';

for (const role of Object.keys(STAFF) as RoleKey[]) {
  test(`${role} signs in and sees exactly the navigation of the role`, async ({ page }) => {
    await signIn(page, role);
    const links = page.locator('nav.admin-nav a');
    const hrefs = await links.evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(hrefs).toEqual(STAFF[role].nav);
    // a page of another role is refused, with 403
    if (!STAFF[role].nav.includes('/admin/staf')) {
      const res = await page.goto('/admin/staf');
      expect(res?.status()).toBe(403);
      await expect(page.getByTestId('forbidden')).toBeVisible();
    }
    if (!STAFF[role].nav.includes('/admin/audit')) {
      const res = await page.goto('/admin/audit');
      expect(res?.status()).toBe(403);
      await expect(page.getByTestId('forbidden')).toBeVisible();
    }
    await page.getByRole('button', { name: /^Keluar$|^Sign out$/ }).click();
    await expect(page).toHaveURL(/\/masuk\?keluar=1/);
    const res = await page.goto('/admin');
    await expect(page).toHaveURL(/\/masuk\?next=/);
    expect(res?.ok()).toBeTruthy();
  });
}

test('wrong password gets one message that reveals nothing', async ({ page }) => {
  await page.goto('/masuk');
  // empty fields say so, each on its own
  await page.getByRole('button', { name: 'Masuk' }).click();
  await expect(page.locator('#address-error')).toHaveText('Wajib diisi.');
  await expect(page.locator('#password-error')).toHaveText('Wajib diisi.');
  await page.getByLabel('Alamat email dinas').fill(STAFF.admin.address);
  await page.getByLabel(/^Kata sandi$/).fill('bukan-sandi-yang-benar');
  await page.getByRole('button', { name: 'Masuk' }).click();
  await expect(page.locator('#address-error')).toHaveText('Alamat email atau kata sandi salah.');
  await expect(page.getByLabel('Alamat email dinas')).toHaveValue(STAFF.admin.address);
  const known = await page.locator('main').innerText();
  await page.getByLabel('Alamat email dinas').fill(`tidak.ada@batam.go.id`);
  await page.getByLabel(/^Kata sandi$/).fill('bukan-sandi-yang-benar');
  await page.getByRole('button', { name: 'Masuk' }).click();
  await expect(page.locator('#address-error')).toHaveText('Alamat email atau kata sandi salah.');
  const unknown = await page.locator('main').innerText();
  expect(unknown).toEqual(known);
});

test('signed-out visitors are sent to sign in and back', async ({ page }) => {
  await page.goto('/admin/audit');
  await expect(page).toHaveURL(/\/masuk\?next=(%2F|\/)admin(%2F|\/)audit/);
  await page.getByLabel('Alamat email dinas').fill(STAFF.auditor.address);
  await page.getByLabel(/^Kata sandi$/).fill('sandi-demo-surel-2026');
  await page.getByRole('button', { name: 'Masuk' }).click();
  // the password alone opens nothing: the second step comes first
  await secondStep(page, STAFF.auditor.address);
  await expect(page).toHaveURL(/\/admin\/audit$/);
  await expect(page.getByTestId('chain-ok')).toBeVisible();
  // entries read as words, with the code beside them for searching
  const newest = page.getByTestId('audit-rows').locator('li').first();
  await expect(newest.locator('.audit-label')).toHaveText('Masuk');
  await expect(newest.locator('.audit-action')).toHaveText('auth.sign_in');
  // times in the office's time zone, labelled, like every other page
  await expect(newest.locator('time')).toHaveText(/^\d{2}-\d{2}-\d{4} \d{2}:\d{2} WIB$/);
});

test('the admin area hydrates and navigates on the client', async ({ page }) => {
  // each page's code is its own chunk (cargo leptos build --split), fetched on first visit
  const pages: string[] = [];
  page.on('request', (r) => {
    const m = /\/pkg\/split___(\w+?)_route_view_\d+\.wasm$/.exec(new URL(r.url()).pathname);
    if (m) pages.push(m[1]);
  });
  await signIn(page, 'admin');
  await hydrated(page);
  expect(pages).toContain('home');
  expect(pages).not.toContain('staff');
  await page.evaluate(() => ((window as any).__marker = 'same-document'));
  await page.locator('nav.admin-nav').getByRole('link', { name: 'Staf dan peran' }).click();
  await expect(page).toHaveURL(/\/admin\/staf$/);
  await expect(page.getByTestId('staff-list')).toBeVisible();
  expect(pages).toContain('staff');
  // no full page load happened: the marker survived
  expect(await page.evaluate(() => (window as any).__marker)).toBe('same-document');
  // the add form answers on the client with field messages
  await page.getByRole('button', { name: 'Tambah peran' }).click();
  await expect(page.locator('#address-error')).toHaveText('Wajib diisi.');
  expect(await page.evaluate(() => (window as any).__marker)).toBe('same-document');
  // a page opened directly links its chunks from its head: they load with the main WASM
  await page.goto('/admin/audit');
  await expect(page.locator('link[rel="preload"][href^="/pkg/split___audit_route_view_"]')).toHaveCount(1);
  await hydrated(page);
});

test('language switch remembers English for the staff member', async ({ page }) => {
  await signIn(page, 'kasi');
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('My work');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.context().clearCookies();
  await page.goto('/masuk');
  await page.getByLabel('Alamat email dinas').fill(STAFF.kasi.address);
  await page.getByLabel(/^Kata sandi$/).fill('sandi-demo-surel-2026');
  await page.getByRole('button', { name: 'Masuk' }).click();
  await secondStep(page, STAFF.kasi.address);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('My work');
  await page.getByRole('button', { name: 'Bahasa Indonesia' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Pekerjaan saya');
});
