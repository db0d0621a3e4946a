import { createContext, useContext, type ReactNode } from 'react';
import type { ContractClient } from './contract-client.js';

const ClientContext = createContext<ContractClient | null>(null);

/** Injects the contract client chosen at startup; every data hook reads it from here. */
export function ClientProvider({ client, children }: { client: ContractClient; children: ReactNode }): React.JSX.Element {
  return <ClientContext.Provider value={client}>{children}</ClientContext.Provider>;
}

export function useClient(): ContractClient {
  const client = useContext(ClientContext);
  if (client === null) throw new Error('useClient outside <ClientProvider>: the app must be wrapped in it');
  return client;
}
