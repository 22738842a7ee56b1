import type { Profile } from '@rapport/api-client'
import { useState } from 'react'
import { useNavigate } from 'react-router-dom'
import { ConfirmDialog } from '../../../components/Dialog'
import { FormError } from '../../../components/States'
import { pluralize } from '../../../lib/format'
import { countOf, customerName, identifierLabel, sortRecordTypes } from '../customer-words'
import { useEraseCustomer } from '../hooks/useCustomers'
import type { ErasedState } from './CustomersPage'

const listed = 6

/** Asks before erasing, naming what goes: the identifiers, traits, records, timeline and merged profiles. */
export function EraseCustomerDialog({ profile, onClose }: { profile: Profile; onClose: () => void }) {
  const erase = useEraseCustomer(profile.id)
  const navigate = useNavigate()
  const [suppress, setSuppress] = useState(false)
  const name = customerName(profile)
  const types = sortRecordTypes(Object.keys(profile.records.counts))
  const recordCount = types.reduce((sum, type) => sum + (profile.records.counts[type] ?? 0), 0)

  function confirm() {
    erase.mutate(
      { suppress },
      {
        onSuccess: (result) => {
          const state: ErasedState = { erased: { name, result } }
          navigate('/customers', { state })
        },
      },
    )
  }

  return (
    <ConfirmDialog
      title={`Erase ${name}?`}
      confirmLabel={erase.isPending ? 'Erasing…' : 'Erase customer'}
      danger
      pending={erase.isPending}
      error={<FormError error={erase.error} />}
      onConfirm={confirm}
      onClose={onClose}
    >
      <p>
        This deletes everything Rapport holds about {name}, for good. It cannot be undone, and the data is not
        kept anywhere else in Rapport:
      </p>
      <ul className="erase-list">
        <li>
          {pluralize(profile.identities.length, 'identifier')}
          {profile.identities.length > 0 && ': '}
          {profile.identities
            .slice(0, listed)
            .map((identity) => `${identifierLabel(identity.type).toLowerCase()} ${identity.value}`)
            .join(', ')}
          {profile.identities.length > listed && `, and ${profile.identities.length - listed} more`}
        </li>
        <li>{pluralize(profile.traits.length, 'trait')}, with the history of their values</li>
        <li>
          {recordCount === 0
            ? 'No records'
            : `${pluralize(recordCount, 'record')}: ${types.map((type) => countOf(profile.records.counts[type] ?? 0, type)).join(', ')}`}
        </li>
        <li>The whole timeline and every feedback answer</li>
        {profile.mergedProfiles > 0 && (
          <li>{pluralize(profile.mergedProfiles, 'profile')} merged into this one, and the merge history</li>
        )}
        <li>Data about them that is still waiting to be processed, or was refused</li>
      </ul>
      <label className="checkbox erase-suppress">
        <input type="checkbox" checked={suppress} onChange={(event) => setSuppress(event.target.checked)} />
        <span>
          Also refuse future data about them
          <span className="checkbox__description">
            Their identifiers are kept only as one-way hashes, so that no source brings them back.
          </span>
        </span>
      </label>
      <p className="small muted">
        The audit log keeps that a customer was erased and how much, nothing of what.
      </p>
    </ConfirmDialog>
  )
}
