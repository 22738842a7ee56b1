import { NavLink } from 'react-router-dom'
import { useMe } from '../features/session/hooks/useSession'
import { hasPermission } from '../lib/access'
import { type Feature, features } from './features'

function groupBySection(items: readonly Feature[]): Map<string, Feature[]> {
  const sections = new Map<string, Feature[]>()
  for (const item of items) sections.set(item.section, [...(sections.get(item.section) ?? []), item])
  return sections
}

export function Navigation() {
  const me = useMe()
  const sections = groupBySection(features.filter((feature) => hasPermission(me, feature.permission)))
  return (
    <nav className="sidebar" aria-label="Main">
      <ul className="nav-list">
        <li>
          <NavLink to="/" end className="nav-link">
            Home
          </NavLink>
        </li>
      </ul>
      {[...sections].map(([section, items]) => (
        <div key={section} className="nav-section">
          <h2 className="nav-section__title" id={`nav-${section}`}>
            {section}
          </h2>
          <ul className="nav-list" aria-labelledby={`nav-${section}`}>
            {items.map((item) => (
              <li key={item.path}>
                <NavLink to={item.path} className="nav-link">
                  {item.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </nav>
  )
}
