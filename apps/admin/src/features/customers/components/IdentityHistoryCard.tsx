import type { ConflictView, MergeView, Profile, UnmergeResult } from '@rapport/api-client'
import { useQueries } from '@tanstack/react-query'
import { useState } from 'react'
import { Link } from 'react-router-dom'
import { ConfirmDialog } from '../../../components/Dialog'
import { ErrorState, FormError, Loading } from '../../../components/States'
import { hasPermission } from '../../../lib/access'
import { api } from '../../../lib/api'
import { formatDateTime } from '../../../lib/format'
import { useMe } from '../../session/hooks/useSession'
import { customerName, identifierLabel, shortId, sourceNamer } from '../customer-words'
import { useMerges, useUnmerge } from '../hooks/useCustomers'

/**
 * How this profile came to be one person: each merge with its reason (the identifier, the source and
 * the message that joined two profiles), undone with a confirmation, and the merges the identity
 * rules refused.
 */
export function IdentityHistoryCard({ profile }: { profile: Profile }) {
  const merges = useMerges(profile.id)
  const me = useMe()
  const canUnmerge = hasPermission(me, 'customers:write')
  const [restored, setRestored] = useState<UnmergeResult['restored']>()

  return (
    // The id is a fixed anchor: the conflicts notice at the top of the page links here.
    <section className="card profile-card" aria-labelledby="identity-title">
      <div className="profile-card__header">
        <h2 id="identity-title">Identity</h2>
      </div>
      <p className="small muted profile-card__hint">
        Profiles merged into this one and why, and merges the identity rules refused.
      </p>
      {restored && (
        <div className="alert alert--success" role="status">
          Unmerged: {customerName(restored)} is a separate customer again.{' '}
          <Link to={`/customers/${restored.id}`}>Open {customerName(restored)}</Link>
        </div>
      )}
      {merges.isPending ? (
        <Loading label="Loading the merge history…" />
      ) : merges.isError ? (
        <ErrorState error={merges.error} onRetry={() => merges.refetch()} />
      ) : (
        <>
          <h3>Merges</h3>
          {merges.data.merges.length === 0 ? (
            <p className="muted">No other profile was merged into this one.</p>
          ) : (
            <ol className="history-list">
              {merges.data.merges.map((merge) => (
                <MergeItem
                  key={merge.id}
                  merge={merge}
                  profile={profile}
                  canUnmerge={canUnmerge}
                  onUnmerged={setRestored}
                />
              ))}
            </ol>
          )}
          <h3>Conflicts</h3>
          {merges.data.conflicts.length === 0 ? (
            <p className="muted">The identity rules have not refused any merge for this profile.</p>
          ) : (
            <Conflicts
              profile={profile}
              conflicts={merges.data.conflicts}
              mergedIds={merges.data.merges.map((m) => m.mergedId)}
            />
          )}
        </>
      )}
    </section>
  )
}

function MergeItem({
  merge,
  profile,
  canUnmerge,
  onUnmerged,
}: {
  merge: MergeView
  profile: Profile
  canUnmerge: boolean
  onUnmerged: (restored: UnmergeResult['restored']) => void
}) {
  const [confirming, setConfirming] = useState(false)
  const unmerge = useUnmerge(profile.id)
  const sourceName = sourceNamer(profile)
  const identifier = `${identifierLabel(merge.identifier.type).toLowerCase()} ${merge.identifier.value}`
  const into = merge.survivorId === profile.id ? 'this one' : `profile ${shortId(merge.survivorId)}`

  return (
    <li className={merge.undoneAt ? 'history-item history-item--undone' : 'history-item'}>
      <p className="history-item__what">
        Profile{' '}
        <span className="mono" title={merge.mergedId}>
          {shortId(merge.mergedId)}
        </span>{' '}
        merged into {into}
        <time className="history-item__time" dateTime={merge.mergedAt}>
          {formatDateTime(merge.mergedAt)}
        </time>
      </p>
      <p className="history-item__why">
        <span className="history-item__label">Reason:</span> a message from {sourceName(merge.sourceId)} named
        the {identifierLabel(merge.identifier.type).toLowerCase()} <strong>{merge.identifier.value}</strong>,
        which belonged to that profile.
      </p>
      <p className="history-item__message small muted">
        Message <span className="mono">{merge.messageId}</span>
      </p>
      {merge.undoneAt ? (
        <p className="small">
          <span className="badge">Unmerged</span> {formatDateTime(merge.undoneAt)} ·{' '}
          <Link to={`/customers/${merge.mergedId}`}>Open that profile</Link>
        </p>
      ) : (
        canUnmerge && (
          <button
            type="button"
            className="button button--small"
            aria-label={`Unmerge the profile joined by ${identifier}`}
            onClick={() => setConfirming(true)}
          >
            Unmerge
          </button>
        )
      )}
      {confirming && (
        <ConfirmDialog
          title="Unmerge this profile?"
          confirmLabel={unmerge.isPending ? 'Unmerging…' : 'Unmerge'}
          pending={unmerge.isPending}
          error={<FormError error={unmerge.error} />}
          onConfirm={() =>
            unmerge.mutate(merge.id, {
              onSuccess: (result) => {
                setConfirming(false)
                onUnmerged(result.restored)
              },
            })
          }
          onClose={() => {
            setConfirming(false)
            unmerge.reset()
          }}
        >
          <p>
            Profile <span className="mono">{shortId(merge.mergedId)}</span> becomes a separate customer again.
            It takes back everything first recorded for it: its identifiers (including the {identifier}),
            traits, records, timeline and feedback.
          </p>
          <p className="muted">
            If a source later sends a message that joins them again, the identity rules may merge them again.
          </p>
        </ConfirmDialog>
      )}
    </li>
  )
}

/** The other profiles a refusal names, with their names (a few are looked up; the rest by id). */
function Conflicts({
  profile,
  conflicts,
  mergedIds,
}: {
  profile: Profile
  conflicts: ConflictView[]
  mergedIds: string[]
}) {
  const sourceName = sourceNamer(profile)
  const own = new Set([profile.id, ...mergedIds])
  const others = [...new Set(conflicts.flatMap((c) => c.customerIds).filter((id) => !own.has(id)))]
  const looked = useQueries({
    queries: others.slice(0, 10).map((id) => ({
      queryKey: ['customer', id, 'name'],
      queryFn: () => api.customers.get(id),
      staleTime: 60_000,
    })),
  })
  const names = new Map<string, { id: string; name: string }>()
  others.slice(0, 10).forEach((id, index) => {
    const found = looked[index]?.data
    if (found) names.set(id, { id: found.id, name: customerName(found) })
  })

  return (
    <ol className="history-list">
      {conflicts.map((conflict) => {
        const involved = conflict.customerIds.filter((id) => !own.has(id))
        return (
          <li key={conflict.id} className="history-item history-item--conflict">
            <p className="history-item__what">
              Not merged: {identifierLabel(conflict.identifier.type).toLowerCase()}{' '}
              <strong>{conflict.identifier.value}</strong>
              <time className="history-item__time" dateTime={conflict.createdAt}>
                {formatDateTime(conflict.createdAt)}
              </time>
            </p>
            <p className="history-item__why">
              <span className="history-item__label">Why:</span> {conflict.reason}
            </p>
            <p className="small muted">
              From {sourceName(conflict.sourceId)}, message <span className="mono">{conflict.messageId}</span>
            </p>
            {involved.length > 0 && (
              <p className="small">
                Other profile{involved.length > 1 ? 's' : ''}:{' '}
                {involved.map((id, index) => {
                  const known = names.get(id)
                  const self = known?.id === profile.id
                  return (
                    <span key={id}>
                      {index > 0 && ', '}
                      {self ? (
                        'now part of this one'
                      ) : (
                        <Link to={`/customers/${known?.id ?? id}`}>
                          {known?.name ?? `profile ${shortId(id)}`}
                        </Link>
                      )}
                    </span>
                  )
                })}
              </p>
            )}
          </li>
        )
      })}
    </ol>
  )
}
