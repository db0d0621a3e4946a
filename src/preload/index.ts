import { contextBridge } from 'electron';

// The typed contract client is exposed here once the contract exists (issue: UI). Until then the
// renderer gets nothing but the app's version: no ipcRenderer, no Node.
contextBridge.exposeInMainWorld('goroscope', Object.freeze({ version: '0.1.0' }));
