import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Config } from './config';

/** The three secrets Instants needs; never logged, never stored in the database. */
export interface Secrets {
  ltiKey: string;
  cookieSecret: string;
  pseudonymKey: string;
}

const SecretsFileSchema = z.object({
  ltiKey: z.string().min(32),
  cookieSecret: z.string().min(32),
  pseudonymKey: z.string().min(32),
});

const FILE = 'secrets.json';

/**
 * Returns the secrets from the environment, completing missing ones from `DATA_DIR/secrets.json`, which is
 * created (mode 0600) with fresh random values on first start.
 */
export function loadSecrets(config: Config): { secrets: Secrets; generated: string[] } {
  const file = path.join(config.dataDir, FILE);
  let stored: Partial<Secrets> = {};
  if (fs.existsSync(file)) {
    const parsed = SecretsFileSchema.partial().safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
    if (!parsed.success) throw new Error(`${file} is not a valid secrets file; restore it from a backup or remove it`);
    stored = parsed.data;
  }
  const generated: string[] = [];
  const pick = (name: keyof Secrets): string => {
    const value = config.secrets[name] ?? stored[name];
    if (value) return value;
    generated.push(name);
    return crypto.randomBytes(32).toString('hex');
  };
  const secrets: Secrets = { ltiKey: pick('ltiKey'), cookieSecret: pick('cookieSecret'), pseudonymKey: pick('pseudonymKey') };
  if (generated.length) {
    const toStore = { ...stored };
    for (const name of generated) toStore[name as keyof Secrets] = secrets[name as keyof Secrets];
    fs.writeFileSync(file, JSON.stringify(toStore, null, 2) + '\n', { mode: 0o600 });
  }
  return { secrets, generated };
}

/** Creates the data directory if needed and proves it is writable; throws a clear error otherwise. */
export function prepareDataDir(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.accessSync(dir, fs.constants.W_OK);
    const probe = path.join(dir, `.write-test-${process.pid}`);
    fs.writeFileSync(probe, '');
    fs.rmSync(probe);
  } catch (cause) {
    throw new Error(`The data directory ${dir} cannot be written to (${(cause as NodeJS.ErrnoException).code ?? cause}); set DATA_DIR to a writable folder`, { cause });
  }
}
