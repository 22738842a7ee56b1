import { PageHeader } from '../../../components/PageHeader'
import { roleDescriptions } from '../../../lib/access'
import { capitalize } from '../../../lib/format'
import { useMe } from '../../session/hooks/useSession'
import { ChangePasswordForm } from './ChangePasswordForm'

export function AccountPage() {
  const me = useMe()
  return (
    <>
      <PageHeader title="Account" description="Your sign-in details and password." />
      <div className="grid-2">
        <section className="card" aria-labelledby="account-details">
          <h2 id="account-details">Your details</h2>
          <dl className="facts">
            <dt>Name</dt>
            <dd>{me.user.name}</dd>
            <dt>E-mail</dt>
            <dd>{me.user.email}</dd>
            <dt>Workspace</dt>
            <dd>{me.workspace.name}</dd>
            <dt>Role</dt>
            <dd>
              {capitalize(me.role)}
              <div className="muted small">{roleDescriptions[me.role]}</div>
            </dd>
          </dl>
        </section>
        <section className="card" aria-labelledby="change-password">
          <h2 id="change-password">Change password</h2>
          <ChangePasswordForm />
        </section>
      </div>
    </>
  )
}
