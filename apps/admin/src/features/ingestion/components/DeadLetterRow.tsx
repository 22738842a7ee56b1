import type { DeadLetterView } from '@rapport/api-client'
import { useState } from 'react'
import { Link } from 'react-router-dom'
import { ConfirmDialog } from '../../../components/Dialog'
import { FormError } from '../../../components/States'
import { errorMessage } from '../../../lib/api'
import { formatDateTime } from '../../../lib/format'
import { useDiscardDeadLetter, useRetryDeadLetter } from '../hooks/useIngestion'

export function DeadLetterRow({
  letter,
  sourceName,
  canWrite,
}: {
  letter: DeadLetterView
  sourceName: string | undefined
  canWrite: boolean
}) {
  const retry = useRetryDeadLetter()
  const discard = useDiscardDeadLetter()
  const [confirming, setConfirming] = useState(false)
  const label =
    letter.messageId === '(none)' ? `the call from ${formatDateTime(letter.failedAt)}` : letter.messageId

  return (
    <tr>
      <td className="nowrap">
        <time dateTime={letter.failedAt}>{formatDateTime(letter.failedAt)}</time>
      </td>
      <td>
        {letter.sourceId ? (
          <Link to={`/sources/${letter.sourceId}`}>{sourceName ?? 'A source'}</Link>
        ) : (
          <span className="muted">Deleted source</span>
        )}
      </td>
      <td className="dead-letter__reason">
        <span className={letter.retryable ? 'badge badge--warning' : 'badge'}>
          {letter.retryable ? 'Processing failed' : 'Refused as invalid'}
        </span>
        <p className="dead-letter__text">{letter.reason}</p>
        {letter.attempts > 0 && <p className="small muted">After {letter.attempts} attempts</p>}
      </td>
      <td>
        <details className="details">
          <summary>
            <span className="mono small">
              {letter.messageId.length > 24 ? `${letter.messageId.slice(0, 24)}…` : letter.messageId}
            </span>
          </summary>
          <pre className="details__json">{JSON.stringify(letter.envelope, null, 2)}</pre>
        </details>
      </td>
      {canWrite && (
        <td className="table__actions">
          {letter.retryable && (
            <button
              type="button"
              className="button button--small"
              aria-label={`Retry ${label}`}
              disabled={retry.isPending}
              onClick={() => retry.mutate(letter.id)}
            >
              {retry.isPending ? 'Retrying…' : 'Retry'}
            </button>
          )}{' '}
          <button
            type="button"
            className="button button--small button--danger-outline"
            aria-label={`Discard ${label}`}
            onClick={() => setConfirming(true)}
          >
            Discard
          </button>
          {retry.isError && (
            <p className="field__error" role="alert">
              {errorMessage(retry.error)}
            </p>
          )}
          {confirming && (
            <ConfirmDialog
              title="Discard this dead letter?"
              confirmLabel="Discard"
              danger
              pending={discard.isPending}
              error={<FormError error={discard.error} />}
              onConfirm={() => discard.mutate(letter.id, { onSuccess: () => setConfirming(false) })}
              onClose={() => {
                setConfirming(false)
                discard.reset()
              }}
            >
              <p>
                The {letter.retryable ? 'envelope' : 'call'} <code>{letter.messageId}</code> from{' '}
                {sourceName ?? 'a deleted source'} is deleted for good; it will not reach any profile. Discard
                it when the data is wrong or no longer needed.
              </p>
            </ConfirmDialog>
          )}
        </td>
      )}
    </tr>
  )
}
