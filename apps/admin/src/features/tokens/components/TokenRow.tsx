import type { TokenView } from '@rapport/api-client'
import { useState } from 'react'
import { ConfirmDialog } from '../../../components/Dialog'
import { FormError } from '../../../components/States'
import { formatDate, formatDateTime } from '../../../lib/format'
import { useRevokeToken } from '../hooks/useTokens'

type TokenStatus = 'active' | 'revoked' | 'expired'

function statusOf(token: TokenView, now: number): TokenStatus {
  if (token.revokedAt) return 'revoked'
  if (token.expiresAt && Date.parse(token.expiresAt) <= now) return 'expired'
  return 'active'
}

const statusLabels: Record<TokenStatus, string> = { active: 'Active', revoked: 'Revoked', expired: 'Expired' }

export function TokenRow({ token }: { token: TokenView }) {
  const revoke = useRevokeToken()
  const [confirming, setConfirming] = useState(false)
  const status = statusOf(token, Date.now())

  return (
    <tr className={status === 'active' ? undefined : 'table__row--muted'}>
      <td>{token.name}</td>
      <td>
        <code>{token.prefix}…</code>
      </td>
      <td>
        <ul className="chips" aria-label={`Scopes of ${token.name}`}>
          {token.scopes.map((scope) => (
            <li key={scope} className="chip">
              {scope}
            </li>
          ))}
        </ul>
      </td>
      <td>
        {formatDate(token.createdAt)}
        <div className="muted small">by {token.createdBy?.email ?? 'a removed user'}</div>
      </td>
      <td>{formatDateTime(token.lastUsedAt, 'Never')}</td>
      <td>{formatDate(token.expiresAt, 'Never')}</td>
      <td>
        <span className={status === 'active' ? 'badge badge--success' : 'badge'}>
          {statusLabels[status]}
          {token.revokedAt && <span className="visually-hidden"> on {formatDate(token.revokedAt)}</span>}
        </span>
      </td>
      <td className="table__actions">
        {status !== 'revoked' && (
          <button
            type="button"
            className="button button--small button--danger-outline"
            aria-label={`Revoke ${token.name}`}
            onClick={() => setConfirming(true)}
          >
            Revoke
          </button>
        )}
        {confirming && (
          <ConfirmDialog
            title={`Revoke ${token.name}?`}
            confirmLabel="Revoke token"
            danger
            pending={revoke.isPending}
            error={<FormError error={revoke.error} />}
            onConfirm={() => revoke.mutate(token.id, { onSuccess: () => setConfirming(false) })}
            onClose={() => {
              setConfirming(false)
              revoke.reset()
            }}
          >
            <p>
              Anything that uses the token <code>{token.prefix}…</code> will stop working at once. This cannot
              be undone.
            </p>
          </ConfirmDialog>
        )}
      </td>
    </tr>
  )
}
