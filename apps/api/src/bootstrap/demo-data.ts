import type { EnvelopeInput } from '@rapport/plugin-sdk'
import type { Logger } from 'pino'
import type { IngestionService } from '../ingestion/ingestion.service.js'
import type { SourcesService } from '../sources/sources.service.js'

/**
 * Demo data for a first start on the embedded database: a small company's customers as two sources
 * would send them (the website through the tracking API's http source, a CRM and shop export through
 * a CSV source), so that every page has something to show. It goes in through the same ingestion
 * path as real data: profiles merge, records count towards lifetime value, feedback is on timelines.
 */

interface Person {
  first: string
  last: string
  company: string
  city: string
  /** NPS answer, 0-10. */
  nps: number
  comment: string
  orders: number
  /** The last invoice is still open. */
  owes?: boolean
  refund?: boolean
  ticket?: 'open' | 'solved'
  canceled?: boolean
}

const people: Person[] = [
  {
    first: 'Ada',
    last: 'Lovelace',
    company: 'Analytical Engines Ltd',
    city: 'London',
    nps: 10,
    comment: 'The engine parts arrived early and fit perfectly.',
    orders: 3,
    ticket: 'solved',
  },
  {
    first: 'Grace',
    last: 'Hopper',
    company: 'Cobol Systems Inc',
    city: 'Arlington',
    nps: 3,
    comment: 'Third delivery this quarter that came late.',
    orders: 2,
    owes: true,
    ticket: 'open',
  },
  {
    first: 'Alan',
    last: 'Turing',
    company: 'Bletchley Computing',
    city: 'Manchester',
    nps: 8,
    comment: 'Good service, the invoices could be clearer.',
    orders: 2,
  },
  {
    first: 'Katherine',
    last: 'Johnson',
    company: 'Orbital Analytics',
    city: 'Hampton',
    nps: 9,
    comment: 'Support answered within the hour.',
    orders: 4,
    ticket: 'solved',
  },
  {
    first: 'Edsger',
    last: 'Dijkstra',
    company: 'Shortest Path BV',
    city: 'Eindhoven',
    nps: 6,
    comment: 'The new plan is too expensive for what it adds.',
    orders: 1,
    canceled: true,
  },
  {
    first: 'Margaret',
    last: 'Hamilton',
    company: 'Apollo Guidance',
    city: 'Boston',
    nps: 10,
    comment: 'Exactly what we needed, and reliable.',
    orders: 3,
  },
  {
    first: 'Tim',
    last: 'Berners-Lee',
    company: 'Hypertext Works',
    city: 'Geneva',
    nps: 7,
    comment: 'Fine overall.',
    orders: 1,
    refund: true,
  },
  {
    first: 'Barbara',
    last: 'Liskov',
    company: 'Substitution Labs',
    city: 'Cambridge',
    nps: 9,
    comment: 'Clear pricing and quick answers.',
    orders: 2,
  },
  {
    first: 'Dennis',
    last: 'Ritchie',
    company: 'Unix Tools Co',
    city: 'Murray Hill',
    nps: 2,
    comment: 'Nobody answered my ticket for a week.',
    orders: 2,
    ticket: 'open',
    owes: true,
  },
  {
    first: 'Radia',
    last: 'Perlman',
    company: 'Spanning Tree Networks',
    city: 'Seattle',
    nps: 8,
    comment: 'Works well; the app could be faster.',
    orders: 1,
  },
  {
    first: 'Hedy',
    last: 'Lamarr',
    company: 'Frequency Hopping GmbH',
    city: 'Vienna',
    nps: 10,
    comment: 'Love it. Recommended you to two colleagues.',
    orders: 3,
  },
  {
    first: 'Claude',
    last: 'Shannon',
    company: 'Information Theory SA',
    city: 'Lyon',
    nps: 5,
    comment: 'The product is fine, the billing is confusing.',
    orders: 2,
    canceled: true,
  },
]

const day = 86_400_000

/** Creates the two demo sources and sends their data through the inbox. */
export async function seedDemoData(
  sources: SourcesService,
  ingestion: IngestionService,
  owner: { workspaceId: string; userId: string },
  logger: Logger,
): Promise<void> {
  const caller = { kind: 'system' as const, label: 'first start (demo data)', ...owner }
  const website = await sources.create(
    caller,
    { pluginId: 'http', name: 'Website (demo)', config: {}, enabled: true, scheduleMinutes: null },
    null,
  )
  const crm = await sources.create(
    caller,
    {
      pluginId: 'import-csv',
      name: 'CRM and shop export (demo)',
      config: { defaultCurrency: 'EUR' },
      enabled: true,
      scheduleMinutes: null,
    },
    null,
  )
  const start = Date.now() - 90 * day
  const web: EnvelopeInput[] = []
  const exported: EnvelopeInput[] = []
  people.forEach((person, i) => {
    const at = (days: number, minutes = 0) =>
      new Date(start + (i * 3 + days) * day + minutes * 60_000).toISOString()
    const email = `${person.first}.${person.last}`.toLowerCase().replace(/[^a-z.]/g, '') + '@example.com'
    const id = (what: string) => `demo:${i}:${what}`
    const anonymous = { type: 'anonymousId', value: `demo-visitor-${i}` }
    const mail = { type: 'email', value: email }
    const customerNo = { type: 'crm', value: `C-${1001 + i}` }

    // The website: an anonymous visit, then the sign-up that tells who it was (the profiles merge).
    web.push(
      {
        type: 'track',
        messageId: id('home'),
        identifiers: [anonymous],
        occurredAt: at(0),
        event: 'Page Viewed',
        channel: 'web',
        stage: 'discovery',
        properties: { name: 'Home' },
      },
      {
        type: 'track',
        messageId: id('pricing'),
        identifiers: [anonymous],
        occurredAt: at(0, 3),
        event: 'Viewed Pricing',
        channel: 'web',
        stage: 'interaction',
        properties: {},
      },
      {
        type: 'identify',
        messageId: id('signup'),
        identifiers: [anonymous, mail],
        occurredAt: at(0, 8),
        traits: { firstName: person.first, lastName: person.last },
      },
    )

    // The CRM and the shop: the customer's record, orders with their invoices, tickets, feedback.
    exported.push({
      type: 'identify',
      messageId: id('crm'),
      identifiers: [customerNo, mail],
      occurredAt: at(1),
      traits: {
        firstName: person.first,
        lastName: person.last,
        company: person.company,
        city: person.city,
        plan: person.orders > 2 ? 'pro' : 'standard',
      },
    })
    for (let n = 0; n < person.orders; n++) {
      const amount = 80 + ((i * 37 + n * 53) % 400)
      const number = `${1001 + i}-${n + 1}`
      const open = person.owes && n === person.orders - 1
      exported.push(
        {
          type: 'record',
          messageId: id(`order-${n}`),
          identifiers: [customerNo, mail],
          occurredAt: at(2 + n * 9),
          action: 'upsert',
          event: 'Order placed',
          channel: 'web',
          stage: 'purchase',
          object: {
            type: 'order',
            externalId: `SO-${number}`,
            status: 'completed',
            title: `Order SO-${number}`,
            amount,
            currency: 'EUR',
          },
        },
        {
          type: 'record',
          messageId: id(`invoice-${n}`),
          identifiers: [customerNo, mail],
          occurredAt: at(3 + n * 9),
          action: 'upsert',
          event: open ? 'Invoice sent' : 'Invoice paid',
          object: {
            type: 'invoice',
            externalId: `INV-${number}`,
            status: open ? 'open' : 'paid',
            title: `Invoice for SO-${number}`,
            amount,
            currency: 'EUR',
          },
        },
      )
    }
    if (person.refund) {
      exported.push({
        type: 'record',
        messageId: id('refund'),
        identifiers: [customerNo, mail],
        occurredAt: at(8),
        action: 'upsert',
        event: 'Refund issued',
        object: {
          type: 'refund',
          externalId: `RF-${1001 + i}`,
          status: 'succeeded',
          title: 'Damaged on delivery',
          amount: 40,
          currency: 'EUR',
        },
      })
    }
    exported.push({
      type: 'record',
      messageId: id('subscription'),
      identifiers: [customerNo, mail],
      occurredAt: at(person.canceled ? 20 : 4),
      action: 'upsert',
      event: person.canceled ? 'Subscription canceled' : 'Subscription started',
      object: {
        type: 'subscription',
        externalId: `SUB-${1001 + i}`,
        status: person.canceled ? 'canceled' : 'active',
        title: 'Support plan',
        amount: 29,
        currency: 'EUR',
      },
    })
    if (person.ticket) {
      exported.push({
        type: 'record',
        messageId: id('ticket'),
        identifiers: [customerNo, mail],
        occurredAt: at(12),
        action: 'upsert',
        event: person.ticket === 'open' ? 'Ticket opened' : 'Ticket solved',
        channel: 'email',
        object: { type: 'ticket', externalId: `T-${1001 + i}`, status: person.ticket, title: person.comment },
      })
    }
    exported.push({
      type: 'feedback',
      messageId: id('nps'),
      identifiers: [customerNo, mail],
      occurredAt: at(14),
      metric: 'nps',
      score: person.nps,
      text: person.comment,
      question: 'How likely are you to recommend us to a friend or colleague?',
      channel: 'email',
    })
  })
  const refused = [
    ...(await ingestion.ingest(owner.workspaceId, website.id, web)).invalid,
    ...(await ingestion.ingest(owner.workspaceId, crm.id, exported)).invalid,
  ]
  if (refused.length) throw new Error(`demo envelopes refused: ${JSON.stringify(refused.slice(0, 3))}`)
  logger.info({ customers: people.length, envelopes: web.length + exported.length }, 'demo data added')
}
