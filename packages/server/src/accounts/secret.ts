import { randomBytes } from 'node:crypto'
import { chmod, link, mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

export const SECRET_FILE = 'jwt-secret'
const MIN_SECRET_CHARS = 32

/**
 * Reads the token-signing secret from `<dataDir>/jwt-secret`, creating it (48 random bytes, base64url, mode 0600)
 * on first start. Creation is atomic and exclusive: processes sharing the directory end up with the same secret.
 */
export async function loadOrCreateSecret(dataDir: string): Promise<string> {
  const path = join(dataDir, SECRET_FILE)
  await mkdir(dataDir, { recursive: true })
  // Written aside and linked into place: link() fails if the file exists, and a reader never sees it half-written.
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  await writeFile(tmp, `${randomBytes(48).toString('base64url')}\n`, { flag: 'wx', mode: 0o600 })
  try {
    await link(tmp, path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
  } finally {
    await unlink(tmp)
  }
  const secret = (await readFile(path, 'utf8')).trim()
  if (secret.length < MIN_SECRET_CHARS) {
    throw new Error(
      `${path} holds a secret shorter than ${MIN_SECRET_CHARS} characters; delete it to regenerate`,
    )
  }
  // A copied data directory may have lost its permissions; the secret signs every token, so tighten them.
  if (((await stat(path)).mode & 0o077) !== 0) await chmod(path, 0o600)
  return secret
}
