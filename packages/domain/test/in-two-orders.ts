import fc from 'fast-check'

/** A generated list together with the same elements in a random order, for order-independence properties. */
export function inTwoOrders<T>(list: fc.Arbitrary<T[]>): fc.Arbitrary<[T[], T[]]> {
  return list.chain((items) =>
    fc.tuple(
      fc.constant(items),
      fc.shuffledSubarray(items, { minLength: items.length, maxLength: items.length }),
    ),
  )
}
