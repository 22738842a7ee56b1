import type { CreatedToken, CreateTokenInput, Me } from '@rapport/api-client'
import { permissionsOfScopes, type TokenScope, tokenScopes } from '@rapport/domain'
import { useState } from 'react'
import { Dialog, DialogForm } from '../../../components/Dialog'
import { Field } from '../../../components/Field'
import { hasPermission, scopeDescriptions } from '../../../lib/access'
import { fieldErrorsOf } from '../../../lib/api'
import { useMe } from '../../session/hooks/useSession'
import { useCreateToken } from '../hooks/useTokens'
import { TokenSecret } from './TokenSecret'

/** A token never gets more than its creator holds; scopes beyond that are shown but disabled. */
function mayGrant(me: Me, scope: TokenScope): boolean {
  return permissionsOfScopes([scope]).every((permission) => hasPermission(me, permission))
}

export function CreateTokenDialog({ onClose }: { onClose: () => void }) {
  const me = useMe()
  const createToken = useCreateToken()
  const [created, setCreated] = useState<CreatedToken | null>(null)

  if (created) {
    return (
      <Dialog title="Your new API token" onClose={onClose}>
        <TokenSecret token={created} />
        <div className="form-actions">
          <button type="button" className="button button--primary" onClick={onClose}>
            Done
          </button>
        </div>
      </Dialog>
    )
  }

  function onSubmit(form: FormData) {
    const days = String(form.get('expiresInDays')).trim()
    const input: CreateTokenInput = {
      name: String(form.get('name')),
      scopes: form.getAll('scopes').map(String) as TokenScope[],
      ...(days ? { expiresInDays: Number(days) } : {}),
    }
    createToken.mutate(input, { onSuccess: setCreated })
  }

  const errors = fieldErrorsOf(createToken.error)
  return (
    <DialogForm
      title="Create API token"
      onClose={onClose}
      onSubmit={onSubmit}
      mutation={createToken}
      submitLabel="Create token"
      pendingLabel="Creating…"
    >
      <Field label="Name" name="name" hint="What uses it, e.g. “Nightly CRM export”." error={errors.name}>
        {(control) => <input {...control} required maxLength={100} autoComplete="off" />}
      </Field>
      <fieldset className="fieldset" aria-describedby={errors.scopes ? 'token-scopes-error' : undefined}>
        <legend>Scopes</legend>
        <div className="checkbox-list">
          {tokenScopes.map((scope) => (
            <label key={scope} className="checkbox">
              <input type="checkbox" name="scopes" value={scope} disabled={!mayGrant(me, scope)} />
              <span>
                <code>{scope}</code>
                <span className="checkbox__description">{scopeDescriptions[scope]}</span>
              </span>
            </label>
          ))}
        </div>
        {errors.scopes && (
          <p id="token-scopes-error" className="field__error">
            {errors.scopes}
          </p>
        )}
      </fieldset>
      <Field
        label="Expires after (days)"
        name="expiresInDays"
        hint="Leave empty for a token that does not expire."
        error={errors.expiresInDays}
      >
        {(control) => <input {...control} type="number" min={1} max={3650} step={1} inputMode="numeric" />}
      </Field>
    </DialogForm>
  )
}
