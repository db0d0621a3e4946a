import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, session, shell } from 'electron';
import { openApi, type OpenedApi } from '../api/open-api.js';
import { workerIntake } from '../use-cases/worker-intake.js';
import { DEFAULT_MAX_INPUT_BYTES } from '../../shared/defaults.js';
import { loadProjectConfig, NO_PROJECT_CONFIG, type LoadedConfig } from '../use-cases/project-config.js';
import { registerIpc } from '../transport/ipc.js';
import { appUrlFor, externalUrlToOpen, isFrameNavigationAllowed } from './window-policy.js';
import { DB_FILE_NAME } from '../use-cases/session-history.js';
import { DisposableStore } from '../../shared/lifecycle.js';
import { scheduleColumnsWarmUp } from '../api/warm-up-columns.js';

// The only module that imports electron: the window with its security defaults, the history in the
// user-data folder, and the contract over IPC.
const disposables = new DisposableStore();
let opened: OpenedApi | null = null;

function appUrl(): string {
  return appUrlFor(process.env.ELECTRON_RENDERER_URL, app.isPackaged, pathToFileURL(join(import.meta.dirname, '../renderer/index.html')).href);
}

// Every renderer sandboxed, whatever its webPreferences say (must run before `ready`).
app.enableSandbox();

// For every web contents, not only our window's: no navigation, no webviews, no new windows.
app.on('web-contents-created', (_event, contents) => {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-frame-navigate', (event) => {
    if (!isFrameNavigationAllowed(event.url, event.isMainFrame)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  // External links open in the browser, https only.
  contents.setWindowOpenHandler(({ url }) => {
    const external = externalUrlToOpen(url);
    if (external !== null) void shell.openExternal(external);
    return { action: 'deny' };
  });
});

/**
 * better-sqlite3 built for Electron's ABI by `npm start` (scripts/electron-native.mjs); node_modules
 * keeps the Node build for the CLI. A packaged app rebuilds node_modules itself: then there is none.
 */
function electronSqliteBinding(): string | undefined {
  const built = join(app.getAppPath(), '.cache', 'electron-native', process.versions.electron, 'better_sqlite3.node');
  return existsSync(built) ? built : undefined;
}

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'Goroscope',
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
    },
  });
  // Navigation, webviews and new windows: see 'web-contents-created' above.
  void window.loadURL(appUrl());
  return window;
}

void app.whenReady().then(() => {
  // No permission (camera, notifications, …) is ever granted to the page.
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  // The Electron app and the CLI share one history (userData/goroscope.db), unless GOROSCOPE_DB says
  // otherwise (empty counts as unset, as in the CLI).
  const dbPath = process.env.GOROSCOPE_DB || join(app.getPath('userData'), DB_FILE_NAME);
  // The app starts from a desktop, not from a project's folder, so it reads no `.goroscope.json`
  // (built-in ignore rules only) unless GOROSCOPE_CONFIG names one. A bad file stops the app with the
  // file and field named, as `goroscope serve --config` does.
  let config: LoadedConfig = NO_PROJECT_CONFIG;
  const configFile = process.env.GOROSCOPE_CONFIG;
  if (configFile) {
    try {
      config = loadProjectConfig(configFile);
    } catch (error) {
      dialog.showErrorBox('Goroscope: GOROSCOPE_CONFIG', (error as Error).message);
      app.exit(2);
      return;
    }
  }
  // Imports are parsed in a worker thread (out/main/parse-worker.js), never on the main process's loop.
  const intake = workerIntake(new URL('./parse-worker.js', import.meta.url), DEFAULT_MAX_INPUT_BYTES);
  intake.warmUp();
  // The timeline's read of a long session, run once on made-up data before anyone opens one.
  disposables.add(scheduleColumnsWarmUp((error) => console.error('goroscope: timeline warm-up failed (a bug; the app goes on):', error)));
  disposables.add(intake);
  opened = openApi(dbPath, app.getVersion(), { store: { nativeBinding: electronSqliteBinding() }, config, isLocalUser: true, intake });
  disposables.add(
    registerIpc({
      ipcMain,
      api: opened.api,
      appUrl: appUrl(),
      sendEvent: (channel, message) => {
        for (const w of BrowserWindow.getAllWindows()) if (!w.isDestroyed()) w.webContents.send(channel, message);
      },
    }),
  );
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

let isQuitting = false;
app.on('will-quit', (event) => {
  if (isQuitting || opened === null) return;
  // Recordings end cleanly (their sessions marked ended) before the history closes.
  event.preventDefault();
  isQuitting = true;
  disposables.dispose();
  void opened.close().finally(() => app.quit());
});
