/**
 * Stripe writes amounts as integers in the currency's smallest unit, and the exponent depends on
 * the currency (https://docs.stripe.com/currencies#zero-decimal): 1000 is 10.00 USD, but 1000 JPY,
 * and 1.000 KWD. ISK is two-decimal in the API even though only whole krónur are charged.
 */
const zeroDecimal = new Set([
  'BIF',
  'CLP',
  'DJF',
  'GNF',
  'JPY',
  'KMF',
  'KRW',
  'MGA',
  'PYG',
  'RWF',
  'UGX',
  'VND',
  'VUV',
  'XAF',
  'XOF',
  'XPF',
])
const threeDecimal = new Set(['BHD', 'JOD', 'KWD', 'OMR', 'TND'])

/** An amount in major units with its upper-case ISO 4217 code, as records carry money. */
export function money(minorUnits: number, currency: string): { amount: number; currency: string } {
  const code = currency.toUpperCase()
  const decimals = zeroDecimal.has(code) ? 0 : threeDecimal.has(code) ? 3 : 2
  return { amount: minorUnits / 10 ** decimals, currency: code }
}
