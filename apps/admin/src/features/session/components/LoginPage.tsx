import type { FormEvent } from 'react'
import { Navigate, useSearchParams } from 'react-router-dom'
import { Field } from '../../../components/Field'
import { FormError, Loading } from '../../../components/States'
import { fieldErrorsOf } from '../../../lib/api'
import { useLogin, useSession } from '../hooks/useSession'

/** Where to go after signing in: only a path of this app, never another site. */
export function safeNextPath(next: string | null): string {
  // '//host' and '/\host' would leave the site.
  return next?.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/'
}

export function LoginPage() {
  const session = useSession()
  const login = useLogin()
  const [searchParams] = useSearchParams()
  const next = safeNextPath(searchParams.get('next'))

  if (session.isPending) return <Loading />
  // Already signed in, or just now: go where the member was heading.
  if (session.data) return <Navigate to={next} replace />

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    login.mutate({ email: String(form.get('email')), password: String(form.get('password')) })
  }

  const errors = fieldErrorsOf(login.error)
  return (
    <main className="login">
      <div className="login__card">
        <p className="brand brand--large" aria-hidden="true">
          <span className="brand__mark">R</span> Rapport
        </p>
        <h1>Sign in to Rapport</h1>
        <form onSubmit={onSubmit}>
          <FormError error={login.error} />
          <Field label="E-mail" name="email" error={errors.email}>
            {(control) => <input {...control} type="email" autoComplete="username" required />}
          </Field>
          <Field label="Password" name="password" error={errors.password}>
            {(control) => (
              <input {...control} type="password" autoComplete="current-password" required minLength={1} />
            )}
          </Field>
          <button type="submit" className="button button--primary button--block" disabled={login.isPending}>
            {login.isPending ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
        <p className="login__note">Accounts are created by an owner or admin of your workspace.</p>
      </div>
    </main>
  )
}
