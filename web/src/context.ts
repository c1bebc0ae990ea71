import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Lang, Translator } from './i18n.js';
import type { Me, Tenant } from './types.js';

export interface AppContext {
  lang: Lang;
  setLang(lang: Lang): void;
  t: Translator;
  /** Null until signed in. */
  me: Me | null;
  /** The signed-in tenant user's tenant (name, kind), once read. */
  tenant: Tenant | null;
  /** Says something to screen readers (and shows it) in the shell's live region. */
  announce(message: string): void;
  signOut(): Promise<void>;
}

export const App = createContext<AppContext | null>(null);

export function useApp(): AppContext {
  const context = useContext(App);
  if (!context) throw new Error('useApp outside the app');
  return context;
}

/** The signed-in person: only pages behind the sign-in use it. */
export function useMe(): Me {
  const { me } = useApp();
  if (!me) throw new Error('useMe before sign-in');
  return me;
}
