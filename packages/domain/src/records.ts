/**
 * Open items: the records of a customer that still wait on someone, the things staff should know
 * about before they speak to the customer. A ticket not yet solved, an invoice issued and not paid,
 * a deal still in play, a subscription whose payments fail. Orders, payments and companies are not
 * items: they describe what happened, not what is pending.
 *
 * Sources spell statuses their own way (`past_due`, `Past due`, `past-due`), so a status is compared
 * in one spelling. A record without a status is not counted: nobody said it is pending.
 */

/** One spelling of a status: trimmed, lower case, runs of spaces and underscores as one dash. */
export function normalizeStatus(status: string): string {
  return status
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '-')
}

/** Ticket statuses that mean the work is over (Zendesk, Freshdesk and most help desks). */
const settledTicketStatuses = ['solved', 'closed', 'resolved', 'deleted', 'spam']

/** Invoice statuses of money that is due: issued, not paid (Stripe, Odoo, most billing systems). */
const dueInvoiceStatuses = ['open', 'unpaid', 'not-paid', 'partial', 'partially-paid', 'past-due', 'overdue']

/** Subscription statuses of a payment problem. */
const troubledSubscriptionStatuses = ['past-due', 'unpaid', 'incomplete']

/** A deal is settled once won or lost, however the CRM names it (`closedwon`, `Closed lost`, `won`). */
function isSettledDeal(status: string): boolean {
  return /^(closed|won|lost)$|^closed-?(won|lost)$/.test(status)
}

export function isOpenRecord(type: string, status: string | null | undefined): boolean {
  if (!status?.trim()) return false
  const normalized = normalizeStatus(status)
  switch (type) {
    case 'ticket':
      return !settledTicketStatuses.includes(normalized)
    case 'invoice':
      return dueInvoiceStatuses.includes(normalized)
    case 'deal':
      return !isSettledDeal(normalized)
    case 'subscription':
      return troubledSubscriptionStatuses.includes(normalized)
    default:
      return false
  }
}

/** Open items per record type, from counts per (type, status); types without open items are left out. */
export function openRecordCounts(
  groups: readonly { type: string; status: string | null; count: number }[],
): Record<string, number> {
  const open: Record<string, number> = {}
  for (const { type, status, count } of groups) {
    if (isOpenRecord(type, status)) open[type] = (open[type] ?? 0) + count
  }
  return open
}
