import type { CsvPreview } from '../api/csv-preview'
import { type ColumnTarget, identifierTypes, type Mapping, recordFieldLabels } from '../api/mapping'

export function targetLabel(target: ColumnTarget | undefined): string {
  if (!target || target.to === 'ignore') return 'ignored'
  if (target.to === 'identifier') {
    const known = identifierTypes.find((identifier) => identifier.type === target.type)
    return known ? known.label : `${target.type || 'vendor'} ID`
  }
  if (target.to === 'record') return recordFieldLabels[target.field] ?? target.field
  return `${target.to} ${target.key}`
}

/** The first rows of the file as the import will read them, under what each column becomes. */
export function PreviewTable({ preview, mapping }: { preview: CsvPreview; mapping: Mapping }) {
  if (!preview.rows.length) return <p className="muted">The file has a header but no rows.</p>
  return (
    // Wide files scroll sideways: the region can take focus, so the keyboard can scroll it too.
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard.
    <section className="table-scroll preview" aria-label="Preview of the first rows" tabIndex={0}>
      <table className="table table--preview">
        <caption className="visually-hidden">The first rows of the file</caption>
        <thead>
          <tr>
            {preview.headers.map((header, index) => (
              <th
                key={index}
                scope="col"
                className={
                  mapping[header]?.to === 'ignore' || !mapping[header] ? 'preview__ignored' : undefined
                }
              >
                {header || `Column ${index + 1}`}
                <span className="preview__target">{targetLabel(mapping[header])}</span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {preview.rows.map((row, rowIndex) => (
            <tr key={rowIndex}>
              {preview.headers.map((_, index) => (
                <td key={index}>{row[index] ?? ''}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}
