import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance } from 'fastify'

/** The admin build (apps/admin/dist), if it has been built. */
export function adminDistDir(): string | undefined {
  try {
    const require = createRequire(import.meta.url)
    const dir = join(dirname(require.resolve('@rapport/admin/package.json')), 'dist')
    return existsSync(join(dir, 'index.html')) ? dir : undefined
  } catch {
    return undefined
  }
}

/** Serves the admin files; hashed assets are cached for a year, index.html never. */
export async function serveAdmin(fastify: FastifyInstance, dir: string): Promise<void> {
  await fastify.register(fastifyStatic, {
    root: dir,
    prefix: '/',
    wildcard: false,
    index: false,
    setHeaders(res, path) {
      res.header(
        'cache-control',
        path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      )
    },
  })
}

/** A browser asking for a page the server does not have gets the app, whose router knows the URL. */
export function wantsAdminPage(method: string, url: string, accept: string | undefined): boolean {
  return (
    (method === 'GET' || method === 'HEAD') &&
    !url.startsWith('/api/') &&
    !url.startsWith('/v1/') &&
    !url.startsWith('/hooks/') &&
    (accept ?? '').includes('text/html')
  )
}
