import type { Profile } from '@rapport/api-client'
import { type ReactNode, useState } from 'react'
import { hasPermission } from '../../../lib/access'
import {
  capitalize,
  formatDate,
  formatDateTime,
  formatMoney,
  formatNumber,
  formatRelativeTime,
} from '../../../lib/format'
import { useMe } from '../../session/hooks/useSession'
import { countOf, customerName, initials, sortRecordTypes, traitValue } from '../customer-words'
import { EraseCustomerDialog } from './EraseCustomerDialog'

const standings: Record<string, string> = {
  promoter: 'badge badge--success',
  passive: 'badge',
  detractor: 'badge badge--danger',
}

/**
 * Who this is at a glance: name, company, standing and lifecycle stage when a source said them
 * (traits `standing`, `lifecycleStage`), lifetime value, open items, and how long we have known them.
 */
export function ProfileHeader({ profile }: { profile: Profile }) {
  const me = useMe()
  const [erasing, setErasing] = useState(false)
  const name = customerName(profile)
  const company = traitValue(profile, 'company', 'companyName', 'company_name', 'organization')
  const email = profile.identities.find((identity) => identity.type === 'email')?.value
  const standing = traitValue(profile, 'standing')?.toLowerCase()
  const stage = traitValue(profile, 'lifecycleStage', 'lifecycle_stage')
  const values = Object.entries(profile.lifetimeValue)
  const openTypes = sortRecordTypes(Object.keys(profile.records.open))
  const openTotal = openTypes.reduce((sum, type) => sum + (profile.records.open[type] ?? 0), 0)

  return (
    <header className="card profile-header">
      <div className="profile-header__top">
        <span className="avatar avatar--large" aria-hidden="true">
          {initials(name)}
        </span>
        <div className="profile-header__who">
          <h1>{name}</h1>
          <p className="profile-header__sub">
            {company && <span>{company}</span>}
            {email && email !== name && <span>{email}</span>}
            {!company && !email && <span>No company or e-mail known yet</span>}
          </p>
          {(standing || stage) && (
            <ul className="profile-header__badges" aria-label="Standing and stage">
              {standing && (
                <li className={standings[standing] ?? 'badge'}>
                  <span className="visually-hidden">Standing: </span>
                  {capitalize(standing)}
                </li>
              )}
              {stage && (
                <li className="badge badge--info">
                  <span className="visually-hidden">Lifecycle stage: </span>
                  {capitalize(stage)}
                </li>
              )}
            </ul>
          )}
        </div>
        {hasPermission(me, 'customers:erase') && (
          <div className="profile-header__actions">
            <button type="button" className="button button--danger-outline" onClick={() => setErasing(true)}>
              Erase customer
            </button>
          </div>
        )}
      </div>
      <dl className="profile-stats">
        <Stat label="Lifetime value" note="Paid invoices less refunds">
          {values.length === 0 ? (
            <span className="profile-stat__value muted">None yet</span>
          ) : (
            values.map(([currency, amount]) => (
              <span key={currency} className="profile-stat__value">
                {formatMoney(amount, currency)}
              </span>
            ))
          )}
        </Stat>
        <Stat
          label="Open items"
          note={
            openTotal
              ? openTypes.map((type) => countOf(profile.records.open[type] ?? 0, type)).join(', ')
              : 'Nothing waiting'
          }
        >
          <span
            className={
              openTotal ? 'profile-stat__value profile-stat__value--attention' : 'profile-stat__value'
            }
          >
            {formatNumber(openTotal)}
          </span>
        </Stat>
        <Stat label="Customer since" note="First seen">
          <span className="profile-stat__value">
            <time dateTime={profile.firstSeenAt}>{formatDate(profile.firstSeenAt)}</time>
          </span>
        </Stat>
        <Stat label="Last seen" note={formatDateTime(profile.lastSeenAt)}>
          <span className="profile-stat__value">
            <time dateTime={profile.lastSeenAt}>{formatRelativeTime(profile.lastSeenAt)}</time>
          </span>
        </Stat>
        <Stat
          label="Sources"
          note={profile.sources.map((source) => source.name).join(', ') || 'None recorded'}
        >
          <span className="profile-stat__value">{formatNumber(profile.sources.length)}</span>
        </Stat>
      </dl>
      {erasing && <EraseCustomerDialog profile={profile} onClose={() => setErasing(false)} />}
    </header>
  )
}

/** One figure of the header: its label, the figure, and a line that explains it. */
function Stat({ label, note, children }: { label: string; note: string; children: ReactNode }) {
  return (
    <div className="profile-stat">
      <dt>{label}</dt>
      <dd>
        {children}
        <span className="profile-stat__note">{note}</span>
      </dd>
    </div>
  )
}
