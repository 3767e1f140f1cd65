import { useEffect, useState } from 'react'
import { Login } from './Login.tsx'
import { navigate, usePath } from './route.ts'
import { restore, type Session, signOut } from './session.ts'
import { TopBar } from './TopBar.tsx'
import { TablePage } from './table/TablePage.tsx'
import { WorldPage } from './world/WorldPage.tsx'

/** The whole client: the login screen, then the world or the table under a shared top bar. */
export function App() {
  const [session, setSession] = useState<Session | null>(null)
  const [restoring, setRestoring] = useState(true)
  const path = usePath()

  useEffect(() => {
    restore().then((s) => {
      setSession(s)
      setRestoring(false)
    })
  }, [])

  if (restoring) return <div className="login-wrap muted">Lighting the lanterns…</div>
  if (!session) return <Login onSession={setSession} />

  const page = path.startsWith('/table') ? 'table' : 'world'
  const logout = async () => {
    await signOut(session)
    setSession(null)
    navigate('/')
  }
  return (
    <div className="app">
      <TopBar session={session} page={page} onLogout={logout} />
      <div className="main">
        {page === 'table' ? <TablePage session={session} /> : <WorldPage session={session} />}
      </div>
    </div>
  )
}
