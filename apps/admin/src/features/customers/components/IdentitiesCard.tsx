import type { Profile } from '@rapport/api-client'
import { useId } from 'react'
import { formatDate, formatDateTime, formatNumber } from '../../../lib/format'
import { identifierLabel, sourceNamer } from '../customer-words'

/** The identifiers that make this one person, each with the source that first sent it. */
export function IdentitiesCard({ profile }: { profile: Profile }) {
  const id = useId()
  const sourceName = sourceNamer(profile)
  return (
    <section className="card profile-card" aria-labelledby={`${id}-title`}>
      <div className="profile-card__header">
        <h2 id={`${id}-title`}>Identities</h2>
        <span className="profile-card__count">{formatNumber(profile.identities.length)}</span>
      </div>
      {profile.identities.length === 0 ? (
        <p className="muted">No identifiers: this profile was made from data that named nobody.</p>
      ) : (
        <ul className="identity-list">
          {profile.identities.map((identity) => (
            <li key={`${identity.type}:${identity.value}`} className="identity">
              <span className="identity__type">{identifierLabel(identity.type)}</span>
              <span className="identity__value">{identity.value}</span>
              <span className="identity__meta">
                From {sourceName(identity.sourceId)}, since{' '}
                <time dateTime={identity.firstSeenAt} title={formatDateTime(identity.firstSeenAt)}>
                  {formatDate(identity.firstSeenAt)}
                </time>
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
