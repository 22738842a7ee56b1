import type { SyncRunView } from '@rapport/api-client'
import { ListContent } from '../../../components/ListContent'
import { EmptyState } from '../../../components/States'
import { TableCard } from '../../../components/TableCard'
import { formatDateTime, formatElapsed, formatNumber } from '../../../lib/format'
import {
  describeFailure,
  downloadText,
  failurePlace,
  failuresCsv,
  failuresOf,
  rememberedHeaders,
} from '../api/failures'
import { useSourceRuns } from '../hooks/useSources'
import { RunProgress, RunStatusBadge, triggerLabels } from './RunStatus'

const shownFailures = 20

/** The sync runs of a source, newest first, with what each brought and what went wrong. */
export function SyncRunsTable({
  sourceId,
  sourceName,
  live,
}: {
  sourceId: string
  sourceName: string
  live: boolean
}) {
  const runs = useSourceRuns(sourceId, live)
  return (
    <ListContent
      query={runs}
      loadingLabel="Loading the sync runs…"
      empty={
        <EmptyState title="No runs yet">
          <p>Syncs, scheduled runs and file uploads of this source will be listed here.</p>
        </EmptyState>
      }
    >
      {(items) => (
        <TableCard
          caption={`Sync runs of ${sourceName}, newest first`}
          columns={['Started', 'Trigger', 'Status', 'Duration', 'Accepted', 'Result', 'Failed', 'Details']}
          paging={runs}
        >
          {items.map((run) => (
            <SyncRunRow key={run.id} run={run} sourceName={sourceName} />
          ))}
        </TableCard>
      )}
    </ListContent>
  )
}

/** What processing made of a run's envelopes: new customers, updated ones, merges. */
export function outcomeSummary(run: SyncRunView): string {
  const { created, updated, merged, deadLettered } = run.processed
  const parts = [
    created && `${formatNumber(created)} new`,
    updated && `${formatNumber(updated)} updated`,
    merged && `${formatNumber(merged)} merged`,
    deadLettered && `${formatNumber(deadLettered)} dead-lettered`,
  ].filter(Boolean)
  return parts.length ? parts.join(' · ') : '—'
}

function SyncRunRow({ run, sourceName }: { run: SyncRunView; sourceName: string }) {
  const failures = failuresOf(run)
  const duplicates = typeof run.details.duplicates === 'number' ? run.details.duplicates : 0
  const hasDetails = Boolean(run.error || failures.length || duplicates)
  return (
    <tr>
      <td className="nowrap">
        <time dateTime={run.startedAt}>{formatDateTime(run.startedAt)}</time>
      </td>
      <td>{triggerLabels[run.trigger]}</td>
      <td>
        <RunStatusBadge run={run} />
        <RunProgress run={run} label={`Progress of the run started ${formatDateTime(run.startedAt)}`} />
      </td>
      <td className="nowrap">{formatElapsed(run.startedAt, run.finishedAt)}</td>
      <td className="numeric">{formatNumber(run.envelopes)}</td>
      <td className="small">{outcomeSummary(run)}</td>
      <td className="numeric">
        {run.failed ? <strong className="text-danger">{formatNumber(run.failed)}</strong> : '0'}
      </td>
      <td>
        {hasDetails ? (
          <details className="details">
            <summary>{run.error ? 'Error' : failures.length ? 'Failures' : 'Show'}</summary>
            {run.error && (
              <p className="run-error">
                {run.errorKind && <code>{run.errorKind}</code>} {run.error}
              </p>
            )}
            {duplicates > 0 && (
              <p className="small muted">
                {formatNumber(duplicates)} already received before, left out as duplicates.
              </p>
            )}
            {failures.length > 0 && (
              <>
                <ul className="failure-list">
                  {failures.slice(0, shownFailures).map((failure, index) => (
                    <li key={`${failurePlace(failure)}-${index}`}>
                      <strong>{failurePlace(failure)}</strong>: {describeFailure(failure)}
                    </li>
                  ))}
                </ul>
                {failures.length > shownFailures && (
                  <p className="small muted">
                    and {formatNumber(failures.length - shownFailures)} more in the download.
                  </p>
                )}
                <button
                  type="button"
                  className="button button--small"
                  onClick={() =>
                    downloadText(
                      `${sourceName}-failures-${run.startedAt.slice(0, 10)}.csv`,
                      failuresCsv(failures, rememberedHeaders(run.id)),
                    )
                  }
                >
                  Download failures (CSV)
                </button>
              </>
            )}
          </details>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
    </tr>
  )
}
