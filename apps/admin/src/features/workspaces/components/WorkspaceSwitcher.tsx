import { useState } from 'react'
import { DropdownMenu } from '../../../components/DropdownMenu'
import { hasPermission } from '../../../lib/access'
import { errorMessage } from '../../../lib/api'
import { capitalize } from '../../../lib/format'
import { useMe } from '../../session/hooks/useSession'
import { useSwitchWorkspace } from '../hooks/useWorkspaces'
import { NewWorkspaceDialog } from './NewWorkspaceDialog'

export function WorkspaceSwitcher() {
  const me = useMe()
  const switchWorkspace = useSwitchWorkspace()
  const [creating, setCreating] = useState(false)
  const mayCreate = hasPermission(me, 'workspaces:write')

  return (
    <div className="workspace-switcher">
      <DropdownMenu
        buttonContent={
          <>
            <span className="visually-hidden">Workspace: </span>
            <span className="workspace-switcher__name">{me.workspace.name}</span>
          </>
        }
      >
        {(close) => (
          <>
            <p className="dropdown__label" id="workspace-list-label">
              Your workspaces
            </p>
            <ul className="dropdown__list" aria-labelledby="workspace-list-label">
              {me.workspaces.map((workspace) => {
                const current = workspace.id === me.workspace.id
                return (
                  <li key={workspace.id}>
                    <button
                      type="button"
                      className="dropdown__item"
                      aria-current={current ? 'true' : undefined}
                      disabled={switchWorkspace.isPending}
                      onClick={() => {
                        close()
                        if (!current) switchWorkspace.mutate(workspace.id)
                      }}
                    >
                      <span>{workspace.name}</span>
                      <span className="dropdown__meta">
                        {capitalize(workspace.role)}
                        {current && ' · current'}
                      </span>
                    </button>
                  </li>
                )
              })}
            </ul>
            {mayCreate && (
              <>
                <hr className="dropdown__divider" />
                <button
                  type="button"
                  className="dropdown__item"
                  onClick={() => {
                    close()
                    setCreating(true)
                  }}
                >
                  New workspace…
                </button>
              </>
            )}
          </>
        )}
      </DropdownMenu>
      {switchWorkspace.isError && (
        <p className="header-error" role="alert">
          Could not switch workspace: {errorMessage(switchWorkspace.error)}
        </p>
      )}
      {creating && <NewWorkspaceDialog onClose={() => setCreating(false)} />}
    </div>
  )
}
