/**
 * Where the embedded database's memory goes (issue 21): for each PGlite setting tried, a fresh process opens
 * PGlite on a new data directory as Instants does, migrates it, stores 5,000 statements through the LRS
 * write path (50 per transaction), and reports resident memory split into the WebAssembly heap (PGlite's
 * whole PostgreSQL: shared buffers, catalogue caches, work memory), the JavaScript heap, and the rest
 * (code, Node itself, PGlite's file buffers), with the write rate. The machine should be otherwise idle.
 * Usage: npx tsx bench/pglite-memory.ts
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { prng, seededStatement } from '../src/lrs/seed';
import { storeStatements } from '../src/lrs/store.service';
import { PGLITE_EXTENSIONS, PGLITE_START_PARAMS, wrapPglite } from '../src/platform/db/client';
import { migrate } from '../src/platform/db/migrate';
import { load, runBench } from './support';

const SETTINGS: Array<{ name: string; params: string[] }> = [
  { name: 'PGlite defaults (shared_buffers 128MB)', params: [...PGlite.defaultStartParams] },
  { name: 'as Instants runs it (PGLITE_START_PARAMS: shared_buffers 32MB)', params: PGLITE_START_PARAMS },
  { name: 'shared_buffers 16MB', params: [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'] },
];

const MB = (n: number) => `${(n / 1048576).toFixed(0)} MB`;

async function child(index: number) {
  const setting = SETTINGS[index]!;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'instants-pglite-mem-'));
  try {
    const client = await PGlite.create(path.join(dir, 'pglite'), { extensions: PGLITE_EXTENSIONS, startParams: setting.params });
    const database = wrapPglite(client);
    await migrate(database);
    const shared = (await client.query<{ setting: string; unit: string }>(`select setting, unit from pg_settings where name = 'shared_buffers'`)).rows[0]!;
    const random = prng(7);
    const started = performance.now();
    for (let i = 0; i < 100; i++) {
      const batch = Array.from({ length: 50 }, (_, j) => seededStatement(i * 50 + j, 5000, random));
      await database.db.transaction((tx) => storeStatements(tx, batch, { version: '1.0.3' }));
    }
    const seconds = (performance.now() - started) / 1000;
    const m = process.memoryUsage();
    const wasm = (client as unknown as { mod?: { wasmMemory?: WebAssembly.Memory } }).mod?.wasmMemory?.buffer.byteLength ?? 0;
    console.log(`${setting.name} (shared_buffers ${Number(shared.setting) * (shared.unit === '8kB' ? 8 : 1)} kB)`);
    console.log(`  5,000 statements in ${seconds.toFixed(1)} s = ${Math.round(5000 / seconds)} statements/s`);
    console.log(`  RSS ${MB(m.rss)} = WebAssembly heap ${MB(wasm)} + JavaScript heap ${MB(m.heapTotal)} + the rest (code, Node, buffers) ${MB(m.rss - wasm - m.heapTotal)}; load ${load()}`);
    await database.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const index = process.argv.indexOf('--child');
  if (index >= 0) return child(Number(process.argv[index + 1]));
  console.log(`PGlite memory, each setting in a fresh process (machine: ${os.cpus().length} cores, load ${load()})`);
  for (let i = 0; i < SETTINGS.length; i++) {
    const r = spawnSync(process.execPath, ['--require', 'tsx/cjs', __filename, '--child', String(i)], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`the run with ${SETTINGS[i]!.name} failed`);
  }
}

runBench(main);
