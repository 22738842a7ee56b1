/**
 * E-mail addresses and phone numbers as Odoo users type them, turned into identifiers. Odoo keeps
 * both as free text: `Ada <ada@example.com>`, several addresses separated by commas, `+44 20 7183 8750`.
 */

const emailPattern = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/

/** Every address in an Odoo e-mail field, lower-cased, without display names; [] when none. */
export function emailAddresses(value: string | false | undefined): string[] {
  if (!value) return []
  const addresses = value
    .split(/[,;]/)
    .map((part) => (/<([^<>]+)>/.exec(part)?.[1] ?? part).trim().toLowerCase())
    .filter((address) => emailPattern.test(address))
  return [...new Set(addresses)]
}

/**
 * The E.164 form of a number written with its country code (`+44 20 7183 8750`, `0044 20 ...`);
 * undefined for a national number (`020 7183 8750`), which without its country could be anyone's.
 */
export function e164(value: string | false | undefined): string | undefined {
  if (!value) return undefined
  const compact = value.replace(/[\s().\-/]/g, '').replace(/^00/, '+')
  return /^\+[1-9]\d{6,14}$/.test(compact) ? compact : undefined
}
