import type { CsvPreview } from '../api/csv-preview'
import {
  type ColumnTarget,
  type ImportKind,
  identifierTypes,
  keyFromHeader,
  type Mapping,
  recordFieldLabels,
} from '../api/mapping'

/** A column's target as one select value: `identifier:email`, `record:amount`, `trait`… */
function choiceOf(target: ColumnTarget | undefined): string {
  if (!target || target.to === 'ignore') return 'ignore'
  if (target.to === 'identifier')
    return identifierTypes.some((i) => i.type === target.type) ? `identifier:${target.type}` : 'identifier:*'
  if (target.to === 'record') return `record:${target.field}`
  return target.to
}

function targetOf(choice: string, header: string, previous: ColumnTarget | undefined): ColumnTarget {
  const [to, detail] = choice.split(':') as [string, string | undefined]
  if (to === 'identifier') {
    if (detail !== '*') return { to: 'identifier', type: detail ?? 'email' }
    return {
      to: 'identifier',
      type:
        previous?.to === 'identifier' && !identifierTypes.some((i) => i.type === previous.type)
          ? previous.type
          : '',
    }
  }
  if (to === 'record') return { to: 'record', field: detail ?? 'externalId' }
  if (to === 'trait' || to === 'property') {
    const key = previous && 'key' in previous ? previous.key : keyFromHeader(header)
    return { to, key }
  }
  return { to: 'ignore' }
}

/** One row per column of the file: a few of its values, and what it becomes. */
export function ColumnMappingTable({
  kind,
  preview,
  mapping,
  onChange,
}: {
  kind: ImportKind
  preview: CsvPreview
  mapping: Mapping
  onChange: (mapping: Mapping) => void
}) {
  return (
    <section className="table-scroll mapping" aria-label="Column mapping">
      <table className="table">
        <caption className="visually-hidden">What each column of the file becomes</caption>
        <thead>
          <tr>
            <th scope="col">Column</th>
            <th scope="col">Sample values</th>
            <th scope="col">Becomes</th>
            <th scope="col">Name</th>
          </tr>
        </thead>
        <tbody>
          {preview.headers.map((header, index) => {
            const target = mapping[header]
            const choice = choiceOf(target)
            const samples = preview.rows
              .map((row) => row[index] ?? '')
              .filter(Boolean)
              .slice(0, 3)
            const set = (next: ColumnTarget) => onChange({ ...mapping, [header]: next })
            const label = header || `Column ${index + 1}`
            return (
              <tr key={index} className={choice === 'ignore' ? 'table__row--muted' : undefined}>
                <th scope="row" className="mapping__column">
                  {header || <span className="muted">(no name)</span>}
                </th>
                <td className="mapping__samples">
                  {samples.length ? (
                    samples.join(' · ')
                  ) : (
                    <span className="muted">empty in the first rows</span>
                  )}
                </td>
                <td>
                  <select
                    aria-label={`What “${label}” becomes`}
                    value={choice}
                    disabled={!header}
                    onChange={(e) => set(targetOf(e.target.value, header, target))}
                  >
                    <option value="ignore">Ignore</option>
                    <optgroup label="Identifier">
                      {identifierTypes.map((identifier) => (
                        <option key={identifier.type} value={`identifier:${identifier.type}`}>
                          {identifier.label}
                        </option>
                      ))}
                      <option value="identifier:*">ID in another system…</option>
                    </optgroup>
                    {kind === 'contacts' ? (
                      <option value="trait">Trait (profile attribute)</option>
                    ) : (
                      <>
                        <optgroup label="Record field">
                          {Object.entries(recordFieldLabels).map(([field, fieldLabel]) => (
                            <option key={field} value={`record:${field}`}>
                              {fieldLabel}
                            </option>
                          ))}
                        </optgroup>
                        <option value="property">Property of the record</option>
                      </>
                    )}
                  </select>
                </td>
                <td>
                  {target?.to === 'trait' || target?.to === 'property' ? (
                    <input
                      aria-label={`${target.to === 'trait' ? 'Trait' : 'Property'} name for “${label}”`}
                      className="input--compact mono"
                      value={target.key}
                      maxLength={100}
                      spellCheck={false}
                      onChange={(e) => set({ ...target, key: e.target.value })}
                    />
                  ) : choice === 'identifier:*' && target?.to === 'identifier' ? (
                    <input
                      aria-label={`System of the IDs in “${label}”`}
                      className="input--compact mono"
                      placeholder="e.g. hubspot"
                      value={target.type}
                      spellCheck={false}
                      onChange={(e) => set({ to: 'identifier', type: e.target.value.trim().toLowerCase() })}
                    />
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </section>
  )
}
