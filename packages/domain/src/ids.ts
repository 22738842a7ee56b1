import { z } from 'zod'

/** One regex for every kebab-case identifier: plugin ids, workspace slugs. */
export const kebabCase = /^[a-z0-9]+(?:-[a-z0-9]+)*$/

export const slugSchema = z
  .string()
  .min(2, 'must be at least 2 characters')
  .max(48, 'must be at most 48 characters')
  .regex(kebabCase, 'must be kebab-case: lower-case letters, digits and single dashes')

export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48)
    .replace(/-+$/g, '')
  return slug.length >= 2 ? slug : `workspace-${slug || 'new'}`.slice(0, 48)
}
