// Writes FILE.br (brotli, quality 11) and FILE.gz (gzip -9) next to every
// file of a folder, for the server to send as they are (ServeDir
// precompressed_br/gzip): no compression work per request, best ratio.
// Usage: node precompress.mjs DIR
import { readdirSync, readFileSync, writeFileSync, unlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';

const dir = process.argv[2];
for (const name of readdirSync(dir)) {
  if (/\.(br|gz)$/.test(name)) unlinkSync(join(dir, name));
}
for (const name of readdirSync(dir)) {
  const path = join(dir, name);
  if (!statSync(path).isFile() || /\.d\.ts$/.test(name)) continue;
  const raw = readFileSync(path);
  writeFileSync(path + '.br', brotliCompressSync(raw, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length },
  }));
  writeFileSync(path + '.gz', gzipSync(raw, { level: 9 }));
}
