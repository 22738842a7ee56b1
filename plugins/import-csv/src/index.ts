import { importCsvPlugin } from './plugin.js'

export { type CsvDelimiter, type CsvPreview, csvDelimiters, detectDelimiter, previewCsv } from './csv.js'
export {
  type ColumnTarget,
  columnTargetSchema,
  type ImportCsvConfig,
  type ImportCsvOptions,
  type ImportCsvOptionsInput,
  type ImportKind,
  importCsvConfigSchema,
  importCsvOptionsSchema,
  importKinds,
  mappingProblems,
  type RecordField,
  recordFields,
} from './mapping.js'
export { type CsvUploadBatch, importCsvPlugin, parseCsvUpload } from './plugin.js'
export {
  type DateOrder,
  type DecimalSeparator,
  dateOrders,
  decimalSeparators,
  parseAmount,
  parseDate,
} from './values.js'

/** The host loads a plugin package by its default export, as every plugin's is its definition. */
export default importCsvPlugin
