import { bridgeClient, findBridge } from './bridge-client.js';
import type { ContractClient } from './contract-client.js';
import { httpClient } from './http-client.js';
import { takeServeToken } from './serve-token.js';

/** Electron's preload bridge when there is one, else HTTP to the server that served this page. */
export function pickClient(): ContractClient {
  const bridge = findBridge();
  return bridge ? bridgeClient(bridge) : httpClient(takeServeToken(window.location, window.history, window.sessionStorage));
}
