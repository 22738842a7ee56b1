import { collectStream } from '@rapport/plugin-testkit'
import { describe, expect, test } from 'vitest'
import { plugin } from '../src/index.js'
import { fixtureServers, good, rpcCalls } from './helpers.js'

const server = fixtureServers()
const odooIds = (envelopes: { identifiers: { type: string; value: string }[] }[]) =>
  envelopes.map((envelope) => envelope.identifiers.find((identifier) => identifier.type === 'odoo')?.value)

describe('partners', () => {
  test('become identify envelopes with every identifier, after waiting out the 429', async () => {
    const { baseUrl } = await server()
    const run = await collectStream(plugin, 'partners', good(baseUrl))
    expect(run.context.waits).toContain(2000) // Retry-After: 2
    expect(odooIds(run.envelopes)).toEqual(['7', '8', '9', '10'])
    expect(run.envelopes[1]).toEqual({
      type: 'identify',
      messageId: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      occurredAt: '2026-01-12T08:30:00Z',
      identifiers: [
        { type: 'odoo', value: '8' },
        { type: 'email', value: 'ada.lovelace@example.com' },
        { type: 'phone', value: '+442071838750' },
      ],
      traits: {
        name: 'Ada Lovelace',
        email: 'ada.lovelace@example.com',
        phone: '+442071838750',
        company: 'Analytical Engines Ltd',
        title: 'Head of Computing',
        address: {
          street: "12 St James's Square, Floor 2",
          city: 'London',
          postalCode: 'SW1Y 4JH',
          country: 'United Kingdom',
          countryCode: 'GB',
        },
        language: 'en_GB',
        isCompany: false,
        archived: false,
        createdAt: '2026-01-12T08:30:00Z',
      },
    })
  })

  test('a company is a partner too; a mobile number with its country code is a phone identifier', async () => {
    const { baseUrl } = await server()
    const [company, , grace] = (await collectStream(plugin, 'partners', good(baseUrl))).envelopes
    expect(company).toMatchObject({
      traits: { name: 'Analytical Engines Ltd', company: 'Analytical Engines Ltd', isCompany: true },
    })
    expect(grace!.identifiers).toEqual([
      { type: 'odoo', value: '9' },
      { type: 'email', value: 'grace.hopper@example.com' },
      { type: 'phone', value: '+14155550123' },
    ])
    expect(grace).toMatchObject({
      traits: { mobile: '+14155550123', address: { state: 'Virginia (US)', countryCode: 'US' } },
    })
    expect(grace!.type === 'identify' && grace!.traits).not.toHaveProperty('phone')
  })

  test('an archived partner is marked archived; a national number stays a trait, not an identifier', async () => {
    const { baseUrl } = await server()
    const babbage = (await collectStream(plugin, 'partners', good(baseUrl))).envelopes[3]!
    expect(babbage.identifiers).toEqual([
      { type: 'odoo', value: '10' },
      { type: 'email', value: 'charles.babbage@example.com' },
    ])
    expect(babbage).toMatchObject({
      occurredAt: '2026-02-03T14:00:00Z',
      traits: { name: 'Charles Babbage', phone: '020 7946 0999', archived: true },
    })
  })

  test('archived partners are asked for, with the optional fields this database has', async () => {
    const fixtureServer = await server()
    await collectStream(plugin, 'partners', good(fixtureServer.baseUrl))
    const [, fieldsGet, firstPage] = rpcCalls(fixtureServer)
    expect(fieldsGet!.args.slice(3)).toEqual([
      'res.partner',
      'fields_get',
      [],
      { allfields: ['mobile', 'country_code'], attributes: ['type'] },
    ])
    expect(firstPage!.args[5]).toEqual([[['active', 'in', [true, false]]]])
    expect((firstPage!.args[6] as { fields: string[] }).fields).toEqual(
      expect.arrayContaining(['email', 'phone', 'mobile', 'country_code', 'active', 'write_date']),
    )
  })

  test('on Odoo 19, which has no mobile, the partners are read without it', async () => {
    const fixtureServer = await server()
    const run = await collectStream(
      plugin,
      'partners',
      good(fixtureServer.baseUrl, { database: 'rapport-odoo19' }),
    )
    const fields = (rpcCalls(fixtureServer)[2]!.args[6] as { fields: string[] }).fields
    expect(fields).not.toContain('mobile')
    expect(fields).toContain('country_code')
    expect(run.envelopes).toHaveLength(1)
    expect(run.envelopes[0]!.identifiers).toEqual([
      { type: 'odoo', value: '9' },
      { type: 'email', value: 'grace.hopper@example.com' },
    ])
  })

  test('the next sync reads what was written after the checkpoint, including late rows of its second', async () => {
    const { baseUrl } = await server()
    const first = await collectStream(plugin, 'partners', good(baseUrl))
    expect(first.checkpoint).toEqual({ writeDate: '2026-02-03 14:00:00', id: 10 })
    const next = await collectStream(plugin, 'partners', good(baseUrl), first.checkpoint)
    expect(odooIds(next.envelopes)).toEqual(['11', '8'])
    // "Mary Somerville <mary.somerville@example.com>" and "0044 131 496 0000" as Odoo users type them.
    expect(next.envelopes[0]!.identifiers).toEqual([
      { type: 'odoo', value: '11' },
      { type: 'email', value: 'mary.somerville@example.com' },
      { type: 'phone', value: '+441314960000' },
    ])
    expect(next.envelopes[1]).toMatchObject({
      occurredAt: '2026-02-20T10:00:00Z',
      identifiers: [
        { type: 'odoo', value: '8' },
        { type: 'email', value: 'ada.lovelace@example.com' },
        { type: 'phone', value: '+442071838750' },
        { type: 'phone', value: '+447700900123' },
      ],
    })
    expect(next.envelopes[1]!.messageId).not.toBe(first.envelopes[1]!.messageId)
    expect(next.checkpoint).toEqual({ writeDate: '2026-02-20 10:00:00', id: 8 })
  })
})
