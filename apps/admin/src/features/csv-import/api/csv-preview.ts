/**
 * Reading a CSV file in the browser, for the preview and the mapping: the same rules as the
 * import-csv plugin's parser (delimiter found from the header line, RFC 4180 quotes, a quote inside
 * an unquoted cell kept as a character, CRLF, LF or CR line ends, cells trimmed, blank rows left out),
 * so that the columns mapped here are the columns the server reads.
 */

export const csvDelimiters = [',', ';', '\t', '|'] as const
export type CsvDelimiter = (typeof csvDelimiters)[number]

export const delimiterLabels: Record<CsvDelimiter, string> = {
  ',': 'Comma ( , )',
  ';': 'Semicolon ( ; )',
  '\t': 'Tab',
  '|': 'Pipe ( | )',
}

export interface CsvPreview {
  headers: string[]
  /** The first data rows, cells trimmed. */
  rows: string[][]
  /** Data rows in the whole file (blank ones left out). */
  rowCount: number
  delimiter: CsvDelimiter
}

const bom = '\ufeff'

/** The first of `, ; tab |` that the header line uses most, outside quotes; a comma when none. */
export function detectDelimiter(text: string): CsvDelimiter {
  const counts = new Map<string, number>()
  let quoted = false
  for (const char of text.startsWith(bom) ? text.slice(1, 65_536) : text.slice(0, 65_536)) {
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

/**
 * Calls `onRecord` for each record of the text, in order; stops early when it returns false.
 * Quoted cells may hold delimiters, line breaks and doubled quotes.
 */
export function readRecords(
  text: string,
  delimiter: string,
  onRecord: (cells: string[]) => boolean | undefined,
): void {
  let cells: string[] = []
  let cell = ''
  let quoted = false
  // A quote opens a quoted cell only as the cell's first character.
  let atCellStart = true
  let i = text.startsWith(bom) ? 1 : 0
  const endRecord = () => {
    cells.push(cell)
    const keepGoing = onRecord(cells) !== false
    cells = []
    cell = ''
    atCellStart = true
    return keepGoing
  }
  for (; i < text.length; i++) {
    const char = text[i] as string
    if (quoted) {
      if (char === '"') {
        if (text[i + 1] === '"') {
          cell += '"'
          i++
        } else quoted = false
      } else cell += char
      continue
    }
    if (char === '"' && atCellStart) {
      quoted = true
      atCellStart = false
    } else if (char === delimiter) {
      cells.push(cell)
      cell = ''
      atCellStart = true
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++
      if (!endRecord()) return
    } else {
      cell += char
      atCellStart = false
    }
  }
  if (cell !== '' || cells.length) endRecord()
}

function isBlank(cells: string[]): boolean {
  return cells.every((cell) => cell.trim() === '')
}

/** The header, the first `rows` data rows, and how many data rows the file has. */
export function previewCsv(
  text: string,
  options: { delimiter?: CsvDelimiter; rows?: number } = {},
): CsvPreview {
  const delimiter = options.delimiter ?? detectDelimiter(text)
  const wanted = options.rows ?? 5
  let headers: string[] | undefined
  const rows: string[][] = []
  let rowCount = 0
  readRecords(text, delimiter, (cells) => {
    if (isBlank(cells)) return true
    const trimmed = cells.map((cell) => cell.trim())
    if (!headers) headers = trimmed
    else {
      rowCount++
      if (rows.length < wanted) rows.push(trimmed)
    }
    return true
  })
  return { headers: headers ?? [], rows, rowCount, delimiter }
}
