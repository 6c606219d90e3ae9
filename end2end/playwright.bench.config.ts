import { defineConfig } from '@playwright/test';

// `make bench` only (never `make test`): timings on a throttled phone-like
// browser against the server bench.sh started (BENCH_URL).
export default defineConfig({
  testDir: './bench',
  timeout: 120_000,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: process.env.BENCH_URL || 'http://127.0.0.1:3200',
    viewport: { width: 360, height: 740 },
    isMobile: true,
    hasTouch: true,
    deviceScaleFactor: 2,
    launchOptions: {
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
             '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
});
