import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Envelope, UploadFailure } from '@rapport/plugin-sdk'
import { createTestContext, type TestContext } from '@rapport/plugin-testkit'
import type { ImportCsvConfig, ImportCsvOptionsInput } from '../src/index.js'
import { type CsvUploadBatch, parseCsvUpload } from '../src/plugin.js'

export const importedAt = new Date('2024-06-01T12:00:00.000Z')

export function fixture(name: string): Buffer {
  return readFileSync(join(import.meta.dirname, '../fixtures', name))
}

/** A context as the host builds it, with the clock at `importedAt` and the log lines captured. */
export function testContext(now = importedAt): TestContext {
  return createTestContext({ clock: { now: () => now } })
}

export interface Imported {
  batches: CsvUploadBatch[]
  envelopes: Envelope[]
  failures: UploadFailure[]
}

/** Reads an upload to the end, as the host does, keeping every batch. */
export async function importCsv(
  content: Buffer | string,
  options: ImportCsvOptionsInput,
  config: ImportCsvConfig = {},
  context: TestContext = testContext(),
): Promise<Imported> {
  const batches: CsvUploadBatch[] = []
  const buffer = typeof content === 'string' ? Buffer.from(content) : content
  for await (const batch of parseCsvUpload(context.ctx, { config, options, content: buffer }))
    batches.push(batch)
  return {
    batches,
    envelopes: batches.flatMap((batch) => batch.envelopes),
    failures: batches.flatMap((batch) => batch.failures),
  }
}
