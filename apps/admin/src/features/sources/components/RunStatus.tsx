import type { SyncRunView } from '@rapport/api-client'
import { formatNumber, formatPercent } from '../../../lib/format'
import { unprocessed } from '../api/sources-queries'

const labels: Record<SyncRunView['status'], string> = {
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
}

const badgeClass: Record<SyncRunView['status'], string> = {
  running: 'badge badge--info',
  succeeded: 'badge badge--success',
  failed: 'badge badge--danger',
}

export function RunStatusBadge({ run }: { run: SyncRunView }) {
  return <span className={badgeClass[run.status]}>{labels[run.status]}</span>
}

export const triggerLabels: Record<SyncRunView['trigger'], string> = {
  manual: 'Sync now',
  schedule: 'Schedule',
  upload: 'File upload',
}

/**
 * How far a run is: a bar when the plugin reports progress, otherwise the count so far. A
 * finished run whose envelopes are still being processed says so.
 */
export function RunProgress({ run, label }: { run: SyncRunView; label: string }) {
  if (run.status === 'running') {
    const share = run.progress ?? undefined
    return (
      <div className="run-progress">
        <progress className="progress" max={1} value={share} aria-label={label} />
        <span className="small muted">
          {share !== undefined ? `${formatPercent(share)} · ` : ''}
          {formatNumber(run.envelopes)} accepted
        </span>
      </div>
    )
  }
  const pending = unprocessed(run)
  if (pending > 0) {
    const done = run.envelopes - pending
    return (
      <div className="run-progress">
        <progress className="progress" max={run.envelopes} value={done} aria-label={`${label}: processing`} />
        <span className="small muted">
          Processing: {formatNumber(done)} of {formatNumber(run.envelopes)}
        </span>
      </div>
    )
  }
  return null
}
