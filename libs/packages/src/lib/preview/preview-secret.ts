import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const PREVIEW_SECRET_FILE = 'preview-secret';
const MIN_SECRET_BYTES = 16;

/**
 * The key of the content URLs' HMAC: the configured one, else DATA_DIR/preview-secret, created once.
 * Every instance must use the same key (DATA_DIR is shared in multi-instance mode), so the file is
 * written whole under a temporary name and then linked into place: link fails when another instance
 * won the race, and then its key is read, never a half-written file.
 */
export function loadPreviewSecret(configured: string, dataDir: string): Buffer {
  if (configured) {
    const key = Buffer.from(configured, 'utf8');
    if (key.length < MIN_SECRET_BYTES) {
      throw new Error(`preview.secret must be at least ${MIN_SECRET_BYTES} bytes long`);
    }
    return key;
  }
  const path = join(dataDir, PREVIEW_SECRET_FILE);
  const existing = readSecretFile(path);
  if (existing) return existing;
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}`;
  writeFileSync(temporary, randomBytes(32).toString('base64url'), { mode: 0o600, flush: true });
  try {
    linkSync(temporary, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    rmSync(temporary, { force: true });
  }
  const created = readSecretFile(path);
  if (!created) throw new Error(`${path} holds no usable preview secret; delete it to get a new one`);
  return created;
}

function readSecretFile(path: string): Buffer | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  return text.length >= MIN_SECRET_BYTES ? Buffer.from(text, 'utf8') : null;
}
