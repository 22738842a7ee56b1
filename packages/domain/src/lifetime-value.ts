/**
 * Lifetime value: what a customer has paid us, net of refunds, per currency (amounts in different
 * currencies are never added together; converting them is a reporting decision, not a domain rule).
 *
 * Only invoices and refunds count. Orders, payments and subscriptions describe the same money from
 * other angles, and counting them too would count it twice.
 */

export interface ValueRecord {
  type: string
  status?: string | null
  /** In major units (12.5 = twelve euros fifty), as records carry it. */
  amount?: number | null
  /** ISO 4217. */
  currency?: string | null
  deleted?: boolean
}

export const paidInvoiceStatuses: readonly string[] = ['paid']
/** A refund not (yet) given back: failed, canceled, or a draft credit note not issued. */
export const countedRefundExcludedStatuses: readonly string[] = ['failed', 'canceled', 'cancelled', 'draft']

/**
 * what a record adds to lifetime value: a paid invoice +amount, a refund -amount (unless
 * failed, canceled or draft), everything else 0; deleted records 0. Undefined means it adds nothing, which is
 * also the answer for a record without an amount or a currency: a sum in an unknown currency would
 * be a guess.
 */
export function lifetimeValueContribution(
  record: ValueRecord,
): { currency: string; amount: number } | undefined {
  if (record.deleted) return undefined
  const { amount } = record
  const currency = record.currency?.trim().toUpperCase()
  if (typeof amount !== 'number' || !Number.isFinite(amount) || !currency) return undefined
  const status = record.status?.trim().toLowerCase() ?? ''
  if (record.type === 'invoice') {
    return paidInvoiceStatuses.includes(status) ? { currency, amount } : undefined
  }
  if (record.type === 'refund') {
    if (countedRefundExcludedStatuses.includes(status)) return undefined
    // Sources disagree on the sign of a refund; it always lowers the value.
    return { currency, amount: -Math.abs(amount) }
  }
  return undefined
}

/** Rounds the size, not the signed value, so that a refund of an invoice cancels it to the cent. */
function toCents(amount: number): number {
  return Math.sign(amount) * Math.round(Math.abs(amount) * 100)
}

/** per currency, rounded to 2 decimals */
export function lifetimeValue(records: ValueRecord[]): Record<string, number> {
  // Summed in whole cents: integer addition is exact, so the total does not depend on record order.
  const cents = new Map<string, number>()
  for (const record of records) {
    const contribution = lifetimeValueContribution(record)
    if (!contribution) continue
    const { currency, amount } = contribution
    cents.set(currency, (cents.get(currency) ?? 0) + toCents(amount))
  }
  return totalsOf(cents)
}

/**
 * Records alike in what decides whether and how they count (type, status, currency, deletion), with
 * their amounts rounded to whole cents and summed: positive amounts, and the size of negative ones,
 * apart. A database sums a customer's thousands of invoices this way, and sends a few groups.
 */
export interface ValueGroup extends Omit<ValueRecord, 'amount'> {
  positiveCents: number
  negativeCents: number
  /** How many of its records have an amount (a finite number): a paid invoice of 0 still counts. */
  amounts: number
}

/**
 * `lifetimeValue` of records summed in groups. A record's contribution is its group's rule applied
 * to its amount, and the rule scales with the amount's size for either sign (an invoice keeps its
 * sign, a refund always lowers), so a group contributes what the rule makes of one unit of each sign,
 * times the group's sum of that sign. A group whose amounts are all zero (or round to no cent) still
 * names its currency, as its records do one by one.
 */
export function lifetimeValueOfGroups(groups: ValueGroup[]): Record<string, number> {
  const cents = new Map<string, number>()
  for (const group of groups) {
    for (const [unit, size] of [
      [1, group.positiveCents],
      [-1, group.negativeCents],
    ] as const) {
      const applies = size > 0 || (unit === 1 && group.amounts > 0)
      const contribution = applies ? lifetimeValueContribution({ ...group, amount: unit }) : undefined
      if (!contribution) continue
      const { currency, amount } = contribution
      cents.set(currency, (cents.get(currency) ?? 0) + amount * size)
    }
  }
  return totalsOf(cents)
}

function totalsOf(cents: Map<string, number>): Record<string, number> {
  const totals: Record<string, number> = {}
  // `+ 0` turns the -0 of a fully refunded customer into 0.
  for (const [currency, sum] of cents) totals[currency] = sum / 100 + 0
  return totals
}
