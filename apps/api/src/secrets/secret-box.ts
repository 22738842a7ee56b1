import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Logger } from 'pino'
import { decodeKey } from '../config/config.js'

/**
 * Source secrets at rest: AES-256-GCM, a fresh 96-bit nonce per value, stored as
 * `v1.<nonce>.<tag>.<ciphertext>` in base64url. Tampering fails the tag check.
 */
export class SecretBox {
  constructor(private readonly key: Buffer) {}

  seal(value: unknown): string {
    const nonce = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce)
    const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()])
    return ['v1', nonce, cipher.getAuthTag(), body]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join('.')
  }

  open<T = unknown>(sealed: string): T {
    const [version, nonce, tag, body] = sealed.split('.')
    if (version !== 'v1' || !nonce || !tag || body === undefined) throw new Error('unreadable secret')
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(nonce, 'base64url'))
    decipher.setAuthTag(Buffer.from(tag, 'base64url'))
    const text = Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
      'utf8',
    )
    return JSON.parse(text) as T
  }
}

/**
 * RAPPORT_SECRET_KEY, or a key generated once under the data folder (mode 0600). Several processes
 * sharing one PostgreSQL need the same key, hence the warning there.
 */
export function loadSecretKey(
  configured: Buffer | undefined,
  dataDir: string,
  sharedDatabase: boolean,
  logger: Logger,
): Buffer {
  if (configured) return configured
  const file = join(dataDir, 'secret-key')
  if (existsSync(file)) {
    const key = decodeKey(readFileSync(file, 'utf8').trim())
    if (!key) throw new Error(`${file} does not hold a 32-byte key; restore it or set RAPPORT_SECRET_KEY`)
    return key
  }
  mkdirSync(dataDir, { recursive: true })
  const key = randomBytes(32)
  writeFileSync(file, key.toString('hex'), { mode: 0o600 })
  chmodSync(file, 0o600)
  if (sharedDatabase) {
    logger.warn(
      { file },
      'RAPPORT_SECRET_KEY is unset: generated a key in the data folder; set the same RAPPORT_SECRET_KEY on every process',
    )
  }
  return key
}

export const SECRET_BOX = Symbol('SecretBox')
