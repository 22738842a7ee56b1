import type { Profile } from '@rapport/api-client'
import { useQueryClient } from '@tanstack/react-query'
import { Fragment, useEffect, useRef } from 'react'
import { Link, useLocation, useNavigate, useParams } from 'react-router-dom'
import { ErrorState, Loading } from '../../../components/States'
import { isApiError } from '../../../lib/api'
import { pluralize } from '../../../lib/format'
import { customerKey } from '../api/customers-queries'
import { customerName } from '../customer-words'
import { useProfile } from '../hooks/useCustomers'
import { IdentitiesCard } from './IdentitiesCard'
import { IdentityHistoryCard } from './IdentityHistoryCard'
import { ProfileHeader } from './ProfileHeader'
import { RecordsCard } from './RecordsCard'
import { TimelineCard } from './TimelineCard'
import { TraitsCard } from './TraitsCard'
import '../customers.css'

/** Changes whenever something the side cards show may have changed. */
function versionOf(profile: Profile): string {
  return JSON.stringify([
    profile.lastSeenAt,
    profile.records.counts,
    profile.records.open,
    profile.records.recent[0]?.updatedAt,
    profile.traits.map((trait) => trait.messageId),
    profile.identities.length,
    profile.mergedProfiles,
    profile.openConflicts,
  ])
}

/** The unified customer view: `/customers/:customerId`, a link that can be shared. */
export function ProfilePage() {
  const { customerId = '' } = useParams()
  const profile = useProfile(customerId)
  const navigate = useNavigate()
  const location = useLocation()
  const queryClient = useQueryClient()
  const mergedFrom = (location.state as { mergedFrom?: string } | null)?.mergedFrom

  // An id that was merged away answers with the profile it is part of now: show that one's address.
  const currentId = profile.data?.id
  useEffect(() => {
    if (currentId && currentId !== customerId) {
      navigate(`/customers/${currentId}${location.search}`, {
        replace: true,
        state: { mergedFrom: customerId },
      })
    }
  }, [currentId, customerId, location.search, navigate])

  // The profile is asked for every few seconds; records and merges follow only when it changed.
  const version = profile.data ? versionOf(profile.data) : undefined
  const seenVersion = useRef(version)
  useEffect(() => {
    if (!version || !currentId) return
    if (seenVersion.current && seenVersion.current !== version) {
      for (const part of ['records', 'merges', 'trait']) {
        void queryClient.invalidateQueries({ queryKey: [...customerKey(currentId), part] })
      }
    }
    seenVersion.current = version
  }, [version, currentId, queryClient])

  if (profile.isPending) return <Loading label="Loading the customer…" />
  if (profile.isError) {
    if (isApiError(profile.error, 404)) {
      return (
        <section className="state state--empty" aria-labelledby="customer-missing">
          <h1 id="customer-missing" className="state__title">
            This customer does not exist
          </h1>
          <p>The link may be mistyped, or the customer was erased.</p>
          <Link to="/customers" className="button">
            Go to the customer list
          </Link>
        </section>
      )
    }
    return <ErrorState error={profile.error} onRetry={() => profile.refetch()} />
  }
  const data = profile.data
  if (data.id !== customerId) return <Loading label="Opening the merged profile…" />

  return (
    // Keyed by the customer: going from one profile to another starts every card afresh.
    <Fragment key={data.id}>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <ol>
          <li>
            <Link to="/customers">Customers</Link>
          </li>
          <li aria-current="page">{customerName(data)}</li>
        </ol>
      </nav>
      <ProfileHeader profile={data} />
      {mergedFrom && (
        <div className="alert alert--warning" role="status">
          The link you followed was to a profile that has since been merged into this one. Its history is
          below, under Identity.
        </div>
      )}
      {data.openConflicts > 0 && (
        <div className="alert alert--warning">
          The identity rules refused to merge this profile {pluralize(data.openConflicts, 'time')}.{' '}
          <a href="#identity-title">See why under Identity</a>.
        </div>
      )}
      <div className="profile-layout">
        <div className="profile-layout__main">
          <TimelineCard profile={data} />
        </div>
        <div className="profile-layout__side">
          <TraitsCard profile={data} />
          <RecordsCard profile={data} />
          <IdentitiesCard profile={data} />
          <IdentityHistoryCard profile={data} />
        </div>
      </div>
    </Fragment>
  )
}
