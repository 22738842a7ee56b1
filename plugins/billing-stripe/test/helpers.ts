import { readFileSync } from 'node:fs'
import { loadFixtures, useFixtureServers } from '@rapport/plugin-testkit'
import Stripe from 'stripe'

export const fixture = (name: string) => new URL(`../fixtures/${name}`, import.meta.url)
export const readFixture = (name: string) => JSON.parse(readFileSync(fixture(name), 'utf8'))

/** Every recorded answer of a normal account; errors.json holds the broken ones for particular tests. */
export const fixtures = loadFixtures(
  fixture('account.json'),
  fixture('customers.json'),
  fixture('subscriptions.json'),
  fixture('invoices.json'),
  fixture('charges.json'),
  fixture('refunds.json'),
)

// Test keys only: the fixtures expect exactly these.
export const goodKey = 'sk_test_51NorthwindGoodKey4eC39HqLyjWDarjtT1zdp7dc'
export const revokedKey = 'sk_test_51NorthwindRevokedKey9xZ81KqPmB2vDs0aTf4L'
export const webhookSecret = 'whsec_NorthwindTestEndpointSigningSecret0001'
export const otherWebhookSecret = 'whsec_SomeOtherEndpointSigningSecret0002'

export const good = (baseUrl: string) => ({ baseUrl, apiKey: goodKey, webhookSecret })

/** The Stripe-Signature header Stripe sends, made with the official client's test helper. */
export function stripeSignature(rawBody: Buffer | string, secret: string, signedAt: Date): string {
  return Stripe.webhooks.generateTestHeaderString({
    payload: rawBody.toString(),
    secret,
    timestamp: Math.floor(signedAt.getTime() / 1000),
  })
}

/** Fixture servers of the normal account's answers (or others given), closed after each test. */
export const fixtureServers = () => useFixtureServers(fixtures)
