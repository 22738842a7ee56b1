import { runPluginConformance } from '@rapport/plugin-testkit'
import { plugin } from '../src/index.js'
import { customersConfig, ordersConfig, visitsConfig } from './configs.js'
import { urlAs, useScratchSchema } from './database.js'

// The plugin makes no HTTP calls: no fixtures for the fixture server, and configs ignore its baseUrl.
// The streams read real tables, seeded from fixtures/erp.sql into this file's scratch schema.
const db = useScratchSchema()

runPluginConformance(plugin, [
  {
    name: 'an ERP customers table, mapped to people',
    fixtures: [],
    config: () => customersConfig(db.name),
    // A role that does not exist: PostgreSQL refuses the login (28000) even with trust authentication.
    badConfig: () => ({ ...customersConfig(db.name), connectionString: urlAs('rapport_no_such_role') }),
    streams: { rows: { minEnvelopes: 4 } },
  },
  {
    name: 'an ERP orders table, mapped to order records',
    fixtures: [],
    config: () => ordersConfig(db.name),
    badConfig: () => ({ ...ordersConfig(db.name), table: `${db.name}.no_such_orders` }),
    streams: { rows: { minEnvelopes: 4 } },
  },
  {
    name: 'a view of web visits, mapped to events',
    fixtures: [],
    config: () => visitsConfig(db.name),
    badConfig: () => ({ ...visitsConfig(db.name), connectionString: urlAs('rapport_no_such_role') }),
    streams: { rows: { minEnvelopes: 3 } },
  },
])
