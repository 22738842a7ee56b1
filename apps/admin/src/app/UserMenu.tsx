import { Link } from 'react-router-dom'
import { DropdownMenu } from '../components/DropdownMenu'
import { useLogout, useMe } from '../features/session/hooks/useSession'
import { errorMessage } from '../lib/api'

export function UserMenu() {
  const me = useMe()
  const logout = useLogout()
  return (
    <DropdownMenu
      align="end"
      buttonContent={
        <>
          <span className="avatar" aria-hidden="true">
            {me.user.name.charAt(0).toUpperCase()}
          </span>
          <span className="visually-hidden">User menu: </span>
          <span className="user-menu__name">{me.user.name}</span>
        </>
      }
    >
      {(close) => (
        <>
          <p className="dropdown__label">
            Signed in as
            <br />
            <strong>{me.user.email}</strong>
          </p>
          <Link to="/account" className="dropdown__item" onClick={close}>
            Account
          </Link>
          <button
            type="button"
            className="dropdown__item"
            disabled={logout.isPending}
            onClick={() => logout.mutate()}
          >
            Log out
          </button>
          {logout.isError && (
            <p className="dropdown__label field__error" role="alert">
              Could not log out: {errorMessage(logout.error)}
            </p>
          )}
        </>
      )}
    </DropdownMenu>
  )
}
