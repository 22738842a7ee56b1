import { createHash } from 'node:crypto'

export type MessageIdPart = string | number | boolean | Date | null | undefined

/**
 * A deterministic messageId for a vendor without stable event ids: pass what identifies this
 * version of the object (source, object type, id, updated-at), get the same id on every run, so
 * the inbox drops what it already has. The parts are encoded as a JSON array before hashing, so
 * ("a.b", "c") and ("a", "b.c") do not collide the way a plain join would.
 */
export function messageIdFrom(...parts: MessageIdPart[]): string {
  if (!parts.length) throw new Error('messageIdFrom needs at least one part')
  const encoded = JSON.stringify(
    parts.map((part) => (part instanceof Date ? part.toISOString() : (part ?? null))),
  )
  return `sha256:${createHash('sha256').update(encoded).digest('hex')}`
}
