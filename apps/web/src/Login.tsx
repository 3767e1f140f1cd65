import { type FormEvent, useState } from 'react'
import { describeError } from './errors.ts'
import { Mug } from './Mug.tsx'
import { type Session, signIn } from './session.ts'

/** Sign up or log in. Errors are shown as sentences. */
export function Login({ onSession }: { onSession: (s: Session) => void }) {
  const [mode, setMode] = useState<'login' | 'register'>('login')
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setError(null)
    if (mode === 'register' && password.length < 8) {
      setError('Choose a password of at least 8 characters.')
      return
    }
    setBusy(true)
    try {
      onSession(await signIn(mode, username.trim(), password))
    } catch (err) {
      setError(describeError(err))
      setBusy(false)
    }
  }

  return (
    <div className="login-wrap">
      <form className="login col" onSubmit={submit} aria-label={mode === 'login' ? 'Log in' : 'Sign up'}>
        <h1>
          <Mug size={40} /> Tavern
        </h1>
        <div className="tag">Pull up a chair, traveller.</div>
        <div className="tabs" role="tablist">
          <button type="button" className={mode === 'login' ? 'on' : ''} onClick={() => setMode('login')}>
            Log in
          </button>
          <button
            type="button"
            className={mode === 'register' ? 'on' : ''}
            onClick={() => setMode('register')}
          >
            Sign up
          </button>
        </div>
        <label htmlFor="username">Name</label>
        <input
          id="username"
          name="username"
          autoComplete="username"
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          minLength={3}
          maxLength={50}
          required
        />
        <label htmlFor="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete={mode === 'login' ? 'current-password' : 'new-password'}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
        />
        {error && (
          <div className="error" role="alert">
            {error}
          </div>
        )}
        <button className="primary" type="submit" disabled={busy}>
          {busy ? 'Opening the door…' : mode === 'login' ? 'Enter the tavern' : 'Create my character'}
        </button>
      </form>
    </div>
  )
}
