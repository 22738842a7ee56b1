import type { FormEvent } from 'react'
import { useSearchParams } from 'react-router-dom'
import { ListContent } from '../../../components/ListContent'
import { PageHeader } from '../../../components/PageHeader'
import { EmptyState } from '../../../components/States'
import { TableCard } from '../../../components/TableCard'
import { useAuditLog } from '../hooks/useAuditLog'
import { AuditEntryRow } from './AuditEntryRow'

export function AuditLogPage() {
  // The filter lives in the URL, so a filtered view can be shared and survives a reload.
  const [searchParams, setSearchParams] = useSearchParams()
  const action = searchParams.get('action') || undefined
  const entries = useAuditLog(action)

  function onFilter(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const value = String(new FormData(event.currentTarget).get('action')).trim()
    setSearchParams(value ? { action: value } : {})
  }

  return (
    <>
      <PageHeader
        title="Audit log"
        description="Who changed what in this workspace, newest first: members and their roles, API tokens and workspaces."
      />
      <search aria-label="Filter the audit log">
        <form className="toolbar" onSubmit={onFilter}>
          <div className="field field--inline">
            <label htmlFor="audit-action">Action</label>
            <input
              id="audit-action"
              name="action"
              defaultValue={action ?? ''}
              key={action ?? ''}
              placeholder="e.g. user.created"
              autoComplete="off"
            />
          </div>
          <button type="submit" className="button">
            Filter
          </button>
          {action && (
            <button type="button" className="button button--ghost" onClick={() => setSearchParams({})}>
              Show all actions
            </button>
          )}
        </form>
      </search>
      <ListContent
        query={entries}
        loadingLabel="Loading the audit log…"
        empty={<EmptyState title={action ? `No entries for “${action}”` : 'No entries yet'} />}
      >
        {(items) => (
          <TableCard
            caption="Audit log entries, newest first"
            columns={['Time', 'Actor', 'Action', 'Target', 'IP address', 'Details']}
            paging={entries}
          >
            {items.map((entry) => (
              <AuditEntryRow key={entry.id} entry={entry} />
            ))}
          </TableCard>
        )}
      </ListContent>
    </>
  )
}
