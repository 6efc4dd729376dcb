/** Who is logged in: the session token (sessionStorage) and the principal it belongs to. */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, loadSession, saveSession, setSessionLostHandler, storedSessionExpired } from './api.js';
import type { Principal, Role, SessionReply } from './types.js';

interface SessionState {
  principal: Principal | null;
  /** True once a session ended without the user logging out (it expired, or was ended elsewhere). */
  expired: boolean;
  /** Store a fresh session from /v1/auth/login or /v1/auth/api-key. */
  begin: (session: SessionReply) => void;
  /** End the session on the server and here; `serverGone`: the server already ended it (the account was closed), so only forget it here. */
  end: (options?: { serverGone?: boolean }) => Promise<void>;
}

const SessionContext = createContext<SessionState | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [expired, setExpired] = useState(() => storedSessionExpired());
  const [principal, setPrincipal] = useState<Principal | null>(() => loadSession()?.principal ?? null);

  useEffect(() => {
    if (storedSessionExpired()) saveSession(null);
    setSessionLostHandler(() => {
      setExpired(true);
      setPrincipal(null);
    });
    // Refresh who we are: names may have changed, or the session may have ended server-side.
    const stored = loadSession();
    if (stored) {
      api.get<{ principal: Principal }>('/v1/auth/me').then(
        ({ principal: fresh }) => {
          saveSession({ ...stored, principal: fresh });
          setPrincipal(fresh);
        },
        () => undefined, // a 401 already cleared the session through the handler
      );
    }
  }, []);

  const begin = useCallback((session: SessionReply) => {
    saveSession(session);
    setExpired(false);
    setPrincipal(session.principal);
  }, []);

  const end = useCallback(async (options: { serverGone?: boolean } = {}) => {
    if (!options.serverGone) {
      try {
        await api.post('/v1/auth/logout');
      } catch {
        // The session is dropped here whatever the server says.
      }
    }
    saveSession(null);
    setExpired(false);
    setPrincipal(null);
  }, []);

  const value = useMemo(() => ({ principal, expired, begin, end }), [principal, expired, begin, end]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error('useSession outside SessionProvider');
  return state;
}

/** The home page of each role's area. */
export const areaHome: Record<Role, string> = {
  supervisor: '/supervisor',
  institution: '/institution',
  consumer: '/consumer',
};
