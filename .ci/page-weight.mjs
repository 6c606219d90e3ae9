// `make bench`, page weight: for each page, the HTML and every file it makes
// the browser fetch on a first visit (stylesheets, module scripts and their
// preloads, the WASM, icons, images, fonts and url()s in CSS), in bytes as
// the server sends them: raw (identity), gzip and brotli (Accept-Encoding).
// Prints a table per page and exits 1 when a budget is exceeded.
//
// Usage: node page-weight.mjs BASE_URL PAGES_JSON
//   PAGES_JSON: [{"name": "...", "path": "/...", "cookie": "...", "kind": "public"|"staff"}]
// Budgets (bytes, brotli; override with environment variables):
//   BUDGET_PUBLIC_TOTAL   public page, everything          150 KB
//   BUDGET_PUBLIC_NOJS    public page, HTML + CSS + images  20 KB
//   BUDGET_STAFF_WASM     staff page, its WASM              500 KB
import http from 'node:http';

const KB = 1024;
const budgets = {
  publicTotal: Number(process.env.BUDGET_PUBLIC_TOTAL || 150 * KB),
  publicNoJs: Number(process.env.BUDGET_PUBLIC_NOJS || 20 * KB),
  staffWasm: Number(process.env.BUDGET_STAFF_WASM || 500 * KB),
};
const [base, pagesJson] = process.argv.slice(2);
const pages = JSON.parse(pagesJson);

function get(url, encoding, cookie) {
  return new Promise((resolve, reject) => {
    const headers = { 'accept-encoding': encoding };
    if (cookie) headers.cookie = cookie;
    http.get(url, { headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

function kindOf(url, contentType) {
  const p = new URL(url).pathname;
  if (/\.wasm$/.test(p)) return 'wasm';
  if (/\.m?js$/.test(p)) return 'js';
  if (/\.css$/.test(p)) return 'css';
  if (/\.(woff2?|ttf|otf)$/.test(p)) return 'font';
  if (/\.(svg|png|jpe?g|gif|webp|ico)$/.test(p)) return 'image';
  if (/html/.test(contentType || '')) return 'html';
  return 'other';
}

/** Every URL a browser fetches for this HTML on a first visit (no JS-driven fetches). */
function assetsOf(html, pageUrl) {
  const urls = new Set();
  for (const m of html.matchAll(/<link\b[^>]*>/gi)) {
    const tag = m[0];
    const rel = /\brel="([^"]*)"/i.exec(tag)?.[1] || '';
    const href = /\bhref="([^"]*)"/i.exec(tag)?.[1];
    if (href && /(stylesheet|modulepreload|preload|icon)/i.test(rel)) urls.add(new URL(href.replace(/&amp;/g, '&'), pageUrl).href);
  }
  for (const m of html.matchAll(/<(?:script|img|source)\b[^>]*\bsrc="([^"]*)"/gi)) urls.add(new URL(m[1].replace(/&amp;/g, '&'), pageUrl).href);
  // module scripts inline: import ... from "URL"; init({module_or_path:"URL"})
  for (const m of html.matchAll(/<script\b[^>]*type="module"[^>]*>([\s\S]*?)<\/script>/gi)) {
    for (const u of m[1].matchAll(/(?:from\s*|module_or_path:\s*)"([^"]+)"/g)) urls.add(new URL(u[1], pageUrl).href);
  }
  return [...urls];
}

function cssUrls(css, cssUrl) {
  return [...css.matchAll(/url\(\s*['"]?([^'")]+)['"]?\s*\)/g)].map((m) => m[1]).filter((u) => !u.startsWith('data:')).map((u) => new URL(u, cssUrl).href);
}

async function weigh(url, cookie) {
  const raw = await get(url, 'identity', cookie);
  const gz = await get(url, 'gzip', cookie);
  const br = await get(url, 'br', cookie);
  return {
    url, status: raw.status, kind: kindOf(url, raw.headers['content-type']),
    raw: raw.body.length, gzip: gz.body.length, br: br.body.length,
    gzipSent: gz.headers['content-encoding'] === 'gzip', brSent: br.headers['content-encoding'] === 'br',
    cache: raw.headers['cache-control'] || '', text: raw.body.toString('utf8'),
  };
}

const fmt = (n) => String(n).padStart(9);
let failed = false;
const summary = [];
for (const page of pages) {
  const pageUrl = new URL(page.path, base).href;
  const html = await weigh(pageUrl, page.cookie);
  html.kind = 'html';
  const files = [html];
  const queue = assetsOf(html.text, pageUrl);
  const seen = new Set(queue);
  while (queue.length) {
    const u = queue.shift();
    const f = await weigh(u, page.cookie);
    files.push(f);
    if (f.kind === 'css') for (const c of cssUrls(f.text, u)) if (!seen.has(c)) { seen.add(c); queue.push(c); }
  }
  console.log(`-- ${page.name}: ${page.path} (HTTP ${html.status})`);
  console.log(`   ${'file'.padEnd(44)} ${'raw'.padStart(9)} ${'gzip'.padStart(9)} ${'brotli'.padStart(9)}  cache`);
  for (const f of files) {
    const name = new URL(f.url).pathname.slice(0, 44);
    const enc = (f.gzipSent ? '' : ' (gzip not sent)') + (f.brSent ? '' : ' (br not sent)');
    console.log(`   ${name.padEnd(44)} ${fmt(f.raw)} ${fmt(f.gzip)} ${fmt(f.br)}  ${f.kind === 'html' ? '' : f.cache}${enc}`);
  }
  const byKind = {};
  for (const f of files) {
    const k = (byKind[f.kind] ||= { raw: 0, gzip: 0, br: 0 });
    k.raw += f.raw; k.gzip += f.gzip; k.br += f.br;
  }
  const sum = (pred, key) => files.filter(pred).reduce((a, f) => a + f[key], 0);
  const total = { raw: sum(() => true, 'raw'), gzip: sum(() => true, 'gzip'), br: sum(() => true, 'br') };
  const nojs = (f) => !['js', 'wasm'].includes(f.kind);
  const first = { raw: sum(nojs, 'raw'), gzip: sum(nojs, 'gzip'), br: sum(nojs, 'br') };
  for (const [k, v] of Object.entries(byKind)) console.log(`   ${('= ' + k).padEnd(44)} ${fmt(v.raw)} ${fmt(v.gzip)} ${fmt(v.br)}`);
  console.log(`   ${'= TOTAL'.padEnd(44)} ${fmt(total.raw)} ${fmt(total.gzip)} ${fmt(total.br)}`);
  console.log(`   ${'= first render without JS (HTML, CSS, images)'.padEnd(44)} ${fmt(first.raw)} ${fmt(first.gzip)} ${fmt(first.br)}`);
  const checks = [];
  if (html.status !== 200) checks.push([`HTTP ${html.status}`, false]);
  if (page.kind === 'public') {
    checks.push([`total ${total.br} B br <= ${budgets.publicTotal}`, total.br <= budgets.publicTotal]);
    checks.push([`total ${total.gzip} B gzip <= ${budgets.publicTotal}`, total.gzip <= budgets.publicTotal]);
    checks.push([`first render ${first.br} B br <= ${budgets.publicNoJs}`, first.br <= budgets.publicNoJs]);
    checks.push([`first render ${first.gzip} B gzip <= ${budgets.publicNoJs}`, first.gzip <= budgets.publicNoJs]);
  } else {
    const wasm = byKind.wasm || { br: 0 };
    checks.push([`WASM ${wasm.br} B br <= ${budgets.staffWasm}`, wasm.br <= budgets.staffWasm && wasm.br > 0]);
  }
  for (const [what, ok] of checks) {
    console.log(`   ${ok ? 'ok  ' : 'OVER'} ${what}`);
    if (!ok) failed = true;
  }
  summary.push({ page: page.name, path: page.path, ...total, firstBr: first.br, wasmBr: (byKind.wasm || { br: 0 }).br });
}
console.log('-- summary (bytes): page, total raw / gzip / brotli, first render brotli, WASM brotli');
for (const s of summary) console.log(`   ${s.page.padEnd(34)} ${fmt(s.raw)} ${fmt(s.gzip)} ${fmt(s.br)} ${fmt(s.firstBr)} ${fmt(s.wasmBr)}`);
if (failed) {
  console.log('page weight: OVER BUDGET');
  process.exit(1);
}
console.log('page weight: within budget');
