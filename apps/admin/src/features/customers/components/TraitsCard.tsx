import type { Profile } from '@rapport/api-client'
import { useId, useState } from 'react'
import { Dialog } from '../../../components/Dialog'
import { ErrorState, Loading } from '../../../components/States'
import { formatDateTime, formatNumber } from '../../../lib/format'
import { sourceNamer, traitLabel, valueText } from '../customer-words'
import { useTraitHistory } from '../hooks/useCustomers'

/**
 * The profile's current traits. Each value says where it came from (source and time) on hover or
 * focus, and opens the history of the values every source gave for it.
 */
export function TraitsCard({ profile }: { profile: Profile }) {
  const [historyOf, setHistoryOf] = useState<string>()
  const sourceName = sourceNamer(profile)
  const id = useId()

  return (
    <section className="card profile-card" aria-labelledby={`${id}-title`}>
      <div className="profile-card__header">
        <h2 id={`${id}-title`}>Traits</h2>
        <span className="profile-card__count">{formatNumber(profile.traits.length)}</span>
      </div>
      {profile.traits.length === 0 ? (
        <p className="muted">
          No traits yet. They arrive with identify calls, CRM contacts and contact imports.
        </p>
      ) : (
        <>
          <p className="small muted profile-card__hint">
            Point at a value for its source; select it for its history.
          </p>
          <dl className="trait-list">
            {profile.traits.map((trait, index) => (
              <div key={trait.key} className="trait">
                <dt title={trait.key}>{traitLabel(trait.key)}</dt>
                <dd>
                  <button
                    type="button"
                    className="trait__value"
                    aria-describedby={`${id}-trait-${index}`}
                    onClick={() => setHistoryOf(trait.key)}
                  >
                    {valueText(trait.value)}
                  </button>
                  <span role="tooltip" id={`${id}-trait-${index}`} className="tooltip">
                    From {sourceName(trait.sourceId)}, {formatDateTime(trait.observedAt)}. Opens the value
                    history.
                  </span>
                </dd>
              </div>
            ))}
          </dl>
        </>
      )}
      {historyOf && (
        <TraitHistoryDialog profile={profile} traitKey={historyOf} onClose={() => setHistoryOf(undefined)} />
      )}
    </section>
  )
}

function TraitHistoryDialog({
  profile,
  traitKey,
  onClose,
}: {
  profile: Profile
  traitKey: string
  onClose: () => void
}) {
  const history = useTraitHistory(profile.id, traitKey)
  const sourceName = sourceNamer(profile)
  const current = profile.traits.find((trait) => trait.key === traitKey)

  return (
    <Dialog title={`${traitLabel(traitKey)}: value history`} onClose={onClose}>
      <p className="muted">
        Every value a source gave for <code>{traitKey}</code>, newest first. The profile shows the newest,
        unless a source has priority for this trait.
      </p>
      {history.isPending ? (
        <Loading label="Loading the history…" />
      ) : history.isError ? (
        <ErrorState error={history.error} onRetry={() => history.refetch()} />
      ) : (
        <div className="table-scroll">
          <table className="table table--compact">
            <caption className="visually-hidden">Values of {traitLabel(traitKey)}, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Value</th>
                <th scope="col">Source</th>
                <th scope="col">Observed</th>
              </tr>
            </thead>
            <tbody>
              {history.data.items.map((item) => (
                <tr key={`${item.messageId}-${item.observedAt}`}>
                  <td className="trait-history__value">
                    {valueText(item.value)}
                    {item.messageId === current?.messageId && (
                      <span className="badge badge--success trait-history__current">Shown</span>
                    )}
                  </td>
                  <td>{sourceName(item.sourceId)}</td>
                  <td className="nowrap">
                    <time dateTime={item.observedAt}>{formatDateTime(item.observedAt)}</time>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="form-actions">
        <button type="button" className="button" onClick={onClose}>
          Close
        </button>
      </div>
    </Dialog>
  )
}
