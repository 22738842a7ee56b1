import { useState } from 'react'
import { ListContent } from '../../../components/ListContent'
import { PageHeader } from '../../../components/PageHeader'
import { EmptyState } from '../../../components/States'
import { TableCard } from '../../../components/TableCard'
import { useTokens } from '../hooks/useTokens'
import { CreateTokenDialog } from './CreateTokenDialog'
import { TokenRow } from './TokenRow'

export function TokensPage() {
  const tokens = useTokens()
  const [creating, setCreating] = useState(false)

  return (
    <>
      <PageHeader
        title="API tokens"
        description="Tokens let scripts and other systems use the Rapport API. Each token can do only what its scopes allow."
        actions={
          <button type="button" className="button button--primary" onClick={() => setCreating(true)}>
            Create token
          </button>
        }
      />
      <ListContent
        query={tokens}
        loadingLabel="Loading API tokens…"
        empty={
          <EmptyState title="No API tokens yet">
            <p>Create one to connect a script or another system to this workspace.</p>
          </EmptyState>
        }
      >
        {(items) => (
          <TableCard
            caption="API tokens"
            columns={['Name', 'Token', 'Scopes', 'Created', 'Last used', 'Expires', 'Status']}
            actions
          >
            {items.map((token) => (
              <TokenRow key={token.id} token={token} />
            ))}
          </TableCard>
        )}
      </ListContent>
      {creating && <CreateTokenDialog onClose={() => setCreating(false)} />}
    </>
  )
}
