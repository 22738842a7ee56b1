import type { SourceView, SyncRunView } from '@rapport/api-client'
import { Link } from 'react-router-dom'
import { ErrorState, Loading } from '../../../components/States'
import { capitalize, formatDateTime, formatElapsed, formatNumber, formatPercent } from '../../../lib/format'
import {
  describeFailure,
  downloadText,
  failurePlace,
  failuresCsv,
  failuresOf,
  rememberedHeaders,
} from '../../sources/api/failures'
import { isSettled, unprocessed } from '../../sources/api/sources-queries'
import { useSyncRun } from '../../sources/hooks/useSources'

const shownFailures = 50

/** An import under way (live progress), then its summary: what it created, updated, merged, and what failed. */
export function ImportRun({
  runId,
  source,
  onAnother,
}: {
  runId: string
  source: SourceView
  onAnother: () => void
}) {
  const run = useSyncRun(runId)
  if (run.isPending) return <Loading label="Loading the import…" />
  if (run.isError) return <ErrorState error={run.error} onRetry={() => run.refetch()} />
  const view = run.data
  const settled = isSettled(view)

  return (
    <div className="page-stack">
      <section className="card" aria-labelledby="import-status">
        <div className="import-status__head">
          <h2 id="import-status">{headline(view)}</h2>
          <span className="muted small">
            Into <Link to={`/sources/${source.id}`}>{source.name}</Link>, started{' '}
            {formatDateTime(view.startedAt)}
            {view.finishedAt && `, read in ${formatElapsed(view.startedAt, view.finishedAt)}`}
          </span>
        </div>
        <div role="status" className="import-status__live">
          <ImportProgress run={view} />
        </div>
        {view.status === 'failed' && (
          <div className="alert alert--error">
            <strong>The import stopped.</strong> {capitalize(view.error ?? 'An unknown error.')}
          </div>
        )}
        {(settled || view.status === 'failed') && (
          <div className="form-actions form-actions--start">
            <button type="button" className="button button--primary" onClick={onAnother}>
              {view.status === 'failed' ? 'Try again' : 'Import another file'}
            </button>
            <Link to={`/sources/${source.id}`} className="button">
              See all runs of {source.name}
            </Link>
          </div>
        )}
      </section>
      {(view.status !== 'running' || view.envelopes > 0 || view.failed > 0) && (
        <ImportSummary run={view} settled={settled} source={source} />
      )}
    </div>
  )
}

function headline(run: SyncRunView): string {
  if (run.status === 'running') return 'Importing…'
  if (run.status === 'failed') return 'Import failed'
  return isSettled(run) ? 'Import finished' : 'Processing the imported rows…'
}

function ImportProgress({ run }: { run: SyncRunView }) {
  if (run.status === 'running') {
    const share = run.progress ?? 0
    return (
      <div className="import-progress">
        <progress className="progress progress--large" max={1} value={share} aria-label="Reading the file" />
        <p>
          Reading the file: {formatPercent(share)} · {formatNumber(run.envelopes)} rows accepted
          {run.failed ? `, ${formatNumber(run.failed)} failed` : ''}
        </p>
      </div>
    )
  }
  const pending = unprocessed(run)
  if (run.status === 'succeeded' && pending > 0) {
    const done = run.envelopes - pending
    return (
      <div className="import-progress">
        <progress
          className="progress progress--large"
          max={run.envelopes}
          value={done}
          aria-label="Processing the rows"
        />
        <p>
          File read. Matching rows to customers: {formatNumber(done)} of {formatNumber(run.envelopes)}
        </p>
      </div>
    )
  }
  if (run.status === 'succeeded')
    return <p className="import-progress__done">All rows are on the customer profiles.</p>
  return null
}

function ImportSummary({ run, settled, source }: { run: SyncRunView; settled: boolean; source: SourceView }) {
  const failures = failuresOf(run)
  const duplicates = typeof run.details.duplicates === 'number' ? run.details.duplicates : 0
  const failed = run.failed + run.processed.deadLettered
  const stats = [
    { label: 'Created', value: run.processed.created, hint: 'rows that made a new customer' },
    { label: 'Updated', value: run.processed.updated, hint: 'rows that added to a customer already known' },
    { label: 'Merged', value: run.processed.merged, hint: 'rows that joined two profiles into one' },
    { label: 'Failed', value: failed, hint: 'rows that could not be imported', danger: failed > 0 },
  ]
  return (
    <>
      <section className="card" aria-labelledby="import-summary">
        <h2 id="import-summary">Summary{settled ? '' : ' so far'}</h2>
        <dl className="metric-grid">
          {stats.map((stat) => (
            <div key={stat.label} className={stat.danger ? 'metric metric--danger' : 'metric'}>
              <dt className="metric__label">{stat.label}</dt>
              <dd className="metric__value">{formatNumber(stat.value)}</dd>
              <dd className="metric__hint">{stat.hint}</dd>
            </div>
          ))}
        </dl>
        <p className="small muted">
          {formatNumber(run.envelopes)} rows accepted.
          {duplicates > 0 && ` ${formatNumber(duplicates)} were imported before and left out.`}
          {run.processed.skipped > 0 && ` ${formatNumber(run.processed.skipped)} had no usable identifier.`}
          {run.processed.deadLettered > 0 && (
            <>
              {' '}
              {formatNumber(run.processed.deadLettered)} failed while being stored: see{' '}
              <Link to="/ingestion">ingestion health</Link>.
            </>
          )}
        </p>
      </section>
      {failures.length > 0 && (
        <section className="card card--flush" aria-labelledby="import-failures">
          <div className="card__header">
            <div>
              <h2 id="import-failures">Rows that failed</h2>
              <p className="muted small">
                Fix them in the downloaded file (it keeps each row’s cells) and import it again.
              </p>
            </div>
            <button
              type="button"
              className="button"
              onClick={() =>
                downloadText(
                  `${source.name} failed rows ${run.startedAt.slice(0, 10)}.csv`,
                  failuresCsv(failures, rememberedHeaders(run.id)),
                )
              }
            >
              Download failed rows (CSV)
            </button>
          </div>
          <div className="table-scroll">
            <table className="table">
              <caption className="visually-hidden">Rows of the file that failed, with the reason</caption>
              <thead>
                <tr>
                  <th scope="col">Row</th>
                  <th scope="col">Reason</th>
                </tr>
              </thead>
              <tbody>
                {failures.slice(0, shownFailures).map((failure, index) => (
                  <tr key={index}>
                    <td className="nowrap">{failurePlace(failure)}</td>
                    <td>{describeFailure(failure)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {failures.length > shownFailures && (
            <p className="card__footer small muted">
              And {formatNumber(failures.length - shownFailures)} more rows in the download.
            </p>
          )}
        </section>
      )}
    </>
  )
}
