import type { UserView } from '@rapport/api-client'
import { canAssignRole, type Role, roles } from '@rapport/domain'
import { useState } from 'react'
import { ConfirmDialog } from '../../../components/Dialog'
import { FormError } from '../../../components/States'
import { errorMessage } from '../../../lib/api'
import { capitalize, formatDateTime } from '../../../lib/format'
import { useMe } from '../../session/hooks/useSession'
import { useUpdateUser } from '../hooks/useUsers'

export function UserRow({ user, canWrite }: { user: UserView; canWrite: boolean }) {
  const me = useMe()
  const isSelf = user.id === me.user.id
  // Each row has its own mutation, so an error stays next to the person it concerns.
  const changeRole = useUpdateUser()
  const changeStatus = useUpdateUser()
  const [confirming, setConfirming] = useState(false)
  const mayEdit = canWrite && !isSelf && canAssignRole(me.role, user.role)

  return (
    <tr className={user.active ? undefined : 'table__row--muted'}>
      <td>
        {user.name}
        {isSelf && <span className="muted"> (you)</span>}
      </td>
      <td>{user.email}</td>
      <td>
        {mayEdit ? (
          <>
            <select
              aria-label={`Role of ${user.name}`}
              className="select--compact"
              value={user.role}
              disabled={changeRole.isPending}
              onChange={(event) => changeRole.mutate({ id: user.id, role: event.target.value as Role })}
            >
              {roles.map((role) => (
                <option key={role} value={role} disabled={!canAssignRole(me.role, role)}>
                  {capitalize(role)}
                </option>
              ))}
            </select>
            {changeRole.isError && (
              <p className="field__error" role="alert">
                {errorMessage(changeRole.error)}
              </p>
            )}
          </>
        ) : (
          capitalize(user.role)
        )}
      </td>
      <td>
        <span className={user.active ? 'badge badge--success' : 'badge'}>
          {user.active ? 'Active' : 'Deactivated'}
        </span>
      </td>
      <td>{formatDateTime(user.lastLoginAt, 'Never')}</td>
      {canWrite && (
        <td className="table__actions">
          {mayEdit && (
            <button
              type="button"
              className={user.active ? 'button button--small button--danger-outline' : 'button button--small'}
              aria-label={`${user.active ? 'Deactivate' : 'Reactivate'} ${user.name}`}
              onClick={() => setConfirming(true)}
            >
              {user.active ? 'Deactivate' : 'Reactivate'}
            </button>
          )}
          {confirming && (
            <ConfirmDialog
              title={user.active ? `Deactivate ${user.name}?` : `Reactivate ${user.name}?`}
              confirmLabel={user.active ? 'Deactivate' : 'Reactivate'}
              danger={user.active}
              pending={changeStatus.isPending}
              error={<FormError error={changeStatus.error} />}
              onConfirm={() =>
                changeStatus.mutate(
                  { id: user.id, active: !user.active },
                  { onSuccess: () => setConfirming(false) },
                )
              }
              onClose={() => {
                setConfirming(false)
                changeStatus.reset()
              }}
            >
              <p>
                {user.active
                  ? `${user.name} (${user.email}) will be signed out and can no longer sign in or use the tokens they created. You can reactivate them later.`
                  : `${user.name} (${user.email}) will be able to sign in again with their current password.`}
              </p>
            </ConfirmDialog>
          )}
        </td>
      )}
    </tr>
  )
}
