import { existsSync } from 'node:fs'
import { delimiter, join } from 'node:path'
import { type Browser, chromium } from 'playwright-core'

/** Debian's Chromium (apt install chromium), or CHROMIUM_PATH. Browsers are never downloaded. */
export function findChromium(): string {
  const override = process.env.CHROMIUM_PATH
  if (override) return override
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    for (const name of ['chromium', 'chromium-browser']) {
      const candidate = join(dir, name)
      if (dir && existsSync(candidate)) return candidate
    }
  }
  throw new Error(
    'Chromium is not installed: the end-to-end tests need it. Install it with `apt-get install chromium` ' +
      '(Debian/Ubuntu) or set CHROMIUM_PATH to a Chromium or Chrome executable.',
  )
}

const args = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
]

/**
 * Headless Chromium. Playwright gives every launch a fresh, throw-away profile directory, and every
 * context its own cookies, so each test signs in as whom it needs.
 */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: findChromium(), args, headless: true })
}
