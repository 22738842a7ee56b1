import type { AuditEntryView } from '@rapport/api-client'
import { formatDateTime } from '../../../lib/format'

/** A name people recognise for the target, when the details carry one (a member's e-mail, a token's name). */
function targetLabel(entry: AuditEntryView): string | undefined {
  for (const key of ['email', 'name']) {
    const value = entry.details[key]
    if (typeof value === 'string') return value
  }
  return undefined
}

export function AuditEntryRow({ entry }: { entry: AuditEntryView }) {
  const label = targetLabel(entry)
  const hasDetails = Object.keys(entry.details).length > 0 || entry.userAgent
  return (
    <tr>
      <td className="nowrap">
        <time dateTime={entry.createdAt}>{formatDateTime(entry.createdAt)}</time>
      </td>
      <td>
        {entry.actor.label}
        {entry.actor.type !== 'user' && <div className="muted small">{entry.actor.type}</div>}
      </td>
      <td>
        <code>{entry.action}</code>
      </td>
      <td>
        {entry.targetType}
        {label ? (
          <div className="muted small">{label}</div>
        ) : (
          entry.targetId && (
            // Ids are long and alike at a glance: the start tells rows apart, the whole is in the title.
            <div className="muted small mono" title={entry.targetId}>
              {entry.targetId.slice(0, 8)}
            </div>
          )
        )}
      </td>
      <td className="mono">{entry.ip ?? '—'}</td>
      <td>
        {hasDetails ? (
          <details className="details">
            <summary>Show</summary>
            {entry.userAgent && <p className="small muted">{entry.userAgent}</p>}
            {Object.keys(entry.details).length > 0 && (
              <pre className="details__json">{JSON.stringify(entry.details, null, 2)}</pre>
            )}
          </details>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
    </tr>
  )
}
