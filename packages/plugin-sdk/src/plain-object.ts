/**
 * An object as JSON.parse makes it: Object's prototype, no symbols, and neither `constructor` nor
 * `__proto__` as its own key (which zod and a later spread could treat specially). The fast paths
 * that stand in for zod take only such objects and leave the rest to zod.
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  if (Object.getPrototypeOf(value) !== Object.prototype) return false
  if (Object.hasOwn(value, 'constructor') || Object.hasOwn(value, '__proto__')) return false
  return Object.getOwnPropertySymbols(value).length === 0
}
