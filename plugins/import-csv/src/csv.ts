import { type Options as CsvParseOptions, Parser } from 'csv-parse'
import { parse as parseAll } from 'csv-parse/sync'

/**
 * Reading the file: one set of csv-parse options for the preview and the import, so that what the
 * user maps in the preview is exactly what the import reads.
 */

export const csvDelimiters = [',', ';', '\t', '|'] as const
export type CsvDelimiter = (typeof csvDelimiters)[number]

/** A record of the file, numbered like a spreadsheet shows it: the header is row 1. */
export type CsvRow =
  | { row: number; cells: string[]; bytes: number }
  /** Text the parser could not split into cells (an unclosed quote swallows the rest of the file). */
  | { row: number; unreadable: string; reason: string; bytes: number }

export interface CsvPreview {
  /** The header cells, trimmed. */
  headers: string[]
  /** The first data rows, cells trimmed, blank rows left out. */
  rows: string[][]
  delimiter: CsvDelimiter
}

const chunkBytes = 64 * 1024
const bom = '\ufeff'

function parserOptions(delimiter: CsvDelimiter): CsvParseOptions {
  return {
    // The record delimiter is left to csv-parse, which finds CRLF, LF or CR, whichever the file uses.
    bom: true,
    delimiter,
    // A row with too few or too many cells is the row's failure, not the file's.
    relax_column_count: true,
    // `5" screen` in an unquoted cell is a quote character, not the start of a quoted field.
    relax_quotes: true,
    skip_records_with_error: true,
  }
}

/** The first of `, ; tab |` that the header line uses most, outside quotes; a comma when none. */
export function detectDelimiter(content: Buffer): CsvDelimiter {
  let text = content.subarray(0, chunkBytes).toString('utf8')
  if (text.startsWith(bom)) text = text.slice(1)
  const counts = new Map<string, number>()
  let quoted = false
  for (const char of text) {
    if (char === '"') quoted = !quoted
    else if (!quoted && (char === '\n' || char === '\r')) break
    else if (!quoted) counts.set(char, (counts.get(char) ?? 0) + 1)
  }
  let best: CsvDelimiter = ','
  for (const candidate of csvDelimiters) {
    if ((counts.get(candidate) ?? 0) > (counts.get(best) ?? 0)) best = candidate
  }
  return best
}

/** Trimmed cells; whitespace around a value is an accident of the export, never data. */
export function trimCells(cells: string[]): string[] {
  return cells.map((cell) => cell.trim())
}

/** An empty line, or one of only delimiters (`,,,`), which spreadsheets write at the end. */
export function isBlank(cells: string[]): boolean {
  return cells.every((cell) => cell.trim() === '')
}

/**
 * The file's records in order, a chunk at a time, without holding more than a chunk's worth of rows:
 * yields the rows parsed from each 64 KiB of input.
 */
export async function* readCsvRows(
  content: Buffer,
  delimiter: CsvDelimiter,
  signal?: AbortSignal,
): AsyncGenerator<CsvRow[]> {
  // The hooks run in file order while the parser works, so rows and unreadable text stay in order.
  const parsed: CsvRow[] = []
  let row = 0
  const parser: Parser = new Parser({
    ...parserOptions(delimiter),
    raw: true,
    on_record: (record, info) => {
      parsed.push({
        row: ++row,
        cells: (record as unknown as { record: string[] }).record,
        bytes: info.bytes,
      })
      return null
    },
    on_skip: (error, raw) => {
      parsed.push({
        row: ++row,
        unreadable: raw ?? '',
        reason:
          error?.code === 'CSV_QUOTE_NOT_CLOSED'
            ? 'a quoted cell is never closed, so this row and everything after it could not be read'
            : `the row could not be read: ${error?.message ?? 'unknown error'}`,
        bytes: parser.info.bytes,
      })
      return undefined
    },
  })
  parser.on('error', () => {}) // reported through the write and end callbacks below
  try {
    for (let offset = 0; offset < content.length; offset += chunkBytes) {
      signal?.throwIfAborted()
      const chunk = content.subarray(offset, offset + chunkBytes)
      await new Promise<void>((resolve, reject) =>
        parser.write(chunk, (error) => (error ? reject(error) : resolve())),
      )
      yield parsed.splice(0)
    }
    await new Promise<void>((resolve, reject) => {
      parser.once('error', reject)
      parser.end(resolve)
    })
    yield parsed.splice(0)
  } finally {
    parser.destroy()
  }
}

/** The header and first rows, for the mapping form; reads no further than it shows. */
export function previewCsv(
  content: Buffer | string,
  { delimiter, rows = 5 }: { delimiter?: CsvDelimiter; rows?: number } = {},
): CsvPreview {
  const buffer = typeof content === 'string' ? Buffer.from(content, 'utf8') : content
  const used = delimiter ?? detectDelimiter(buffer)
  const records: string[][] = parseAll(buffer, {
    ...parserOptions(used),
    skip_empty_lines: true,
    to: rows + 1,
  })
  const [header = [], ...data] = records.filter((cells) => !isBlank(cells)).map(trimCells)
  return { headers: header, rows: data.slice(0, rows), delimiter: used }
}
