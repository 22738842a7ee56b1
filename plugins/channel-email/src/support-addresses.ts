/**
 * Whether this server takes mail for a recipient: one of the configured support addresses, or any
 * address of a configured domain (`@support.example.com`). Everything else is refused, so the
 * server is never an open relay. Compared case-insensitively: mail systems treat local parts that
 * way in practice, whatever RFC 5321 allows.
 */
export function isSupportAddress(supportAddresses: readonly string[], recipient: string): boolean {
  const address = recipient.trim().toLowerCase()
  const at = address.lastIndexOf('@')
  if (at <= 0) return false
  const domain = address.slice(at)
  return supportAddresses.some((pattern) =>
    pattern.startsWith('@') ? pattern === domain : pattern === address,
  )
}
