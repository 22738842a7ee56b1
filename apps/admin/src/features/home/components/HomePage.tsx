import { Link } from 'react-router-dom'
import { features } from '../../../app/features'
import { PageHeader } from '../../../components/PageHeader'
import { describePermission, hasPermission, roleDescriptions } from '../../../lib/access'
import { capitalize } from '../../../lib/format'
import { useMe } from '../../session/hooks/useSession'

export function HomePage() {
  const me = useMe()
  const available = features.filter((feature) => hasPermission(me, feature.permission))
  const firstName = me.user.name.split(' ')[0] || me.user.name

  return (
    <>
      <PageHeader
        title={`Welcome, ${firstName}`}
        description={`You are signed in to ${me.workspace.name}.`}
      />
      <div className="grid-2">
        <section className="card" aria-labelledby="home-role">
          <h2 id="home-role">Your role: {capitalize(me.role)}</h2>
          <p className="muted">{roleDescriptions[me.role]}</p>
          <h3>What you can do here</h3>
          {me.permissions.length === 0 ? (
            <p>Your role grants no permissions in this workspace yet.</p>
          ) : (
            <ul className="check-list">
              {me.permissions.map((permission) => (
                <li key={permission}>{describePermission(permission)}</li>
              ))}
            </ul>
          )}
        </section>
        <section className="card" aria-labelledby="home-settings">
          <h2 id="home-settings">Where to go</h2>
          {available.length === 0 ? (
            <p className="muted">
              Nothing for your role yet. Your account details are under Account in the user menu.
            </p>
          ) : (
            // Grouped as in the navigation: Customers, Data, Settings.
            [...new Set(available.map((feature) => feature.section))].map((section) => (
              <div key={section}>
                <h3>{section}</h3>
                <ul className="link-list">
                  {available
                    .filter((feature) => feature.section === section)
                    .map((feature) => (
                      <li key={feature.path}>
                        <Link to={feature.path}>{feature.label}</Link>
                        <span className="muted">{feature.summary}</span>
                      </li>
                    ))}
                </ul>
              </div>
            ))
          )}
          {hasPermission(me, 'customers:read') && (
            <p className="small muted">
              To find a customer from any page, press <kbd>/</kbd> and type a name, an e-mail or any
              identifier.
            </p>
          )}
          {me.workspaces.length > 1 && (
            <p className="small muted">
              You belong to {me.workspaces.length} workspaces: switch between them with the menu at the top.
            </p>
          )}
        </section>
      </div>
    </>
  )
}
