import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.js';
import { ClientProvider } from './client/ClientContext.js';
import { pickClient } from './client/pick-client.js';
import './styles.css';

// The transport is chosen once: Electron's preload bridge when present, else HTTP to `goroscope serve`.
const client = pickClient();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ClientProvider client={client}>
      <App transport={client.transport} />
    </ClientProvider>
  </StrictMode>,
);
