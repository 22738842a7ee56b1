import { useState } from 'react'
import { ListContent } from '../../../components/ListContent'
import { PageHeader } from '../../../components/PageHeader'
import { EmptyState } from '../../../components/States'
import { TableCard } from '../../../components/TableCard'
import { hasPermission } from '../../../lib/access'
import { useMe } from '../../session/hooks/useSession'
import { useUsers } from '../hooks/useUsers'
import { AddUserDialog } from './AddUserDialog'
import { UserRow } from './UserRow'

export function UsersPage() {
  const me = useMe()
  const canWrite = hasPermission(me, 'users:write')
  const users = useUsers()
  const [adding, setAdding] = useState(false)

  return (
    <>
      <PageHeader
        title="Users"
        description={
          canWrite
            ? `The members of ${me.workspace.name}: add people, change their roles, or deactivate them.`
            : `The members of ${me.workspace.name}. Only owners and admins can change them.`
        }
        actions={
          canWrite && (
            <button type="button" className="button button--primary" onClick={() => setAdding(true)}>
              Add user
            </button>
          )
        }
      />
      <ListContent query={users} loadingLabel="Loading users…" empty={<EmptyState title="No users yet" />}>
        {(items) => (
          <TableCard
            caption={`Members of ${me.workspace.name}`}
            columns={['Name', 'E-mail', 'Role', 'Status', 'Last login']}
            actions={canWrite}
            paging={users}
          >
            {items.map((user) => (
              <UserRow key={user.id} user={user} canWrite={canWrite} />
            ))}
          </TableCard>
        )}
      </ListContent>
      {adding && <AddUserDialog onClose={() => setAdding(false)} />}
    </>
  )
}
