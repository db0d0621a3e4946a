import { readdirSync } from 'node:fs';
import tseslint from 'typescript-eslint';

// Module boundaries (ARCHITECTURE.md): imports only point down the table. Each entry names a folder and
// the folders it must not import from.
const layers = [
  { folder: 'src/shared', forbidden: ['**/main/**', '**/renderer/**', '**/preload/**', 'node:*', 'electron'] },
  { folder: 'src/main/dump', forbidden: ['**/source/**', '**/analysis/**', '**/store/**', '**/collect/**', '**/use-cases/**', '**/api/**', '**/transport/**', '**/app/**', '**/cli/**', 'electron', 'better-sqlite3', 'node:fs', 'node:fs/*', 'node:net', 'node:http', 'node:child_process'] },
  { folder: 'src/main/analysis', forbidden: ['**/source/**', '**/store/**', '**/collect/**', '**/use-cases/**', '**/api/**', '**/transport/**', '**/app/**', '**/cli/**', 'electron', 'better-sqlite3', 'node:fs', 'node:fs/*', 'node:net', 'node:http', 'node:child_process'] },
  // Source mapping reads files (only under its roots) and starts editors; it knows nothing of the history or transports.
  { folder: 'src/main/source', forbidden: ['**/store/**', '**/collect/**', '**/use-cases/**', '**/api/**', '**/transport/**', '**/app/**', '**/cli/**', 'electron', 'better-sqlite3'] },
  { folder: 'src/main/store', forbidden: ['**/source/**', '**/collect/**', '**/use-cases/**', '**/api/**', '**/transport/**', '**/app/**', '**/cli/**', 'electron'] },
  { folder: 'src/main/collect', forbidden: ['**/analysis/**', '**/source/**', '**/use-cases/**', '**/api/**', '**/transport/**', '**/app/**', '**/cli/**', 'electron'] },
  // The use cases (record, import, analyse, report, check) drive the modules above; the contract's
  // implementation and the CLI both call them, so they know neither.
  { folder: 'src/main/use-cases', forbidden: ['**/api/**', '**/transport/**', '**/app/**', '**/cli/**', 'electron'] },
  { folder: 'src/main/api', forbidden: ['**/transport/**', '**/app/**', '**/cli/**', 'electron'] },
  // Transports only route validated messages to the api.
  { folder: 'src/main/transport', forbidden: ['**/dump/**', '**/analysis/**', '**/source/**', '**/store/**', '**/collect/**', '**/use-cases/**', '**/app/**', '**/cli/**', 'electron'] },
  // The Electron app wires the api, its transport and the use cases it needs at startup (config, parse worker).
  { folder: 'src/main/app', forbidden: ['**/dump/**', '**/analysis/**', '**/source/**', '**/store/**', '**/collect/**', '**/cli/**'] },
  // The CLI is an edge like the transports: it builds requests from flags and calls the use cases (or the
  // api, for serve); it never reaches into the data path itself.
  { folder: 'src/main/cli', forbidden: ['**/analysis/**', '**/collect/**', '**/store/**', '**/dump/**', '**/source/**', '**/transport/ipc*', '**/app/**', 'electron'] },
  { folder: 'src/preload', forbidden: ['**/main/**', '**/renderer/**', 'node:*'] },
  { folder: 'src/renderer', forbidden: ['**/main/**', '**/preload/**', 'electron', 'node:*'] },
];

// Views never import each other (src/renderer/app composes them): each view folder gets the renderer's
// rule plus every other view folder. The list is read from disk so a new view is covered at once.
const rendererForbidden = layers.find((l) => l.folder === 'src/renderer').forbidden;
const views = readdirSync(new URL('./src/renderer/views/', import.meta.url), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
const viewLayers = views.map((view) => ({
  folder: `src/renderer/views/${view}`,
  forbidden: rendererForbidden,
  // gitignore-style groups cannot express '../x', so sibling views are matched by a regular expression.
  forbiddenRegex: `^(\\.\\./|.*/views/)(${views.filter((other) => other !== view).join('|')})(/|$)`,
}));

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', '.cache/**', 'test-results/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-empty': ['error', { allowEmptyCatch: false }],
    },
  },
  ...[...layers, ...viewLayers].map(({ folder, forbidden, forbiddenRegex }) => {
    const message = `${folder} may not import this (ARCHITECTURE.md module table)`;
    const patterns = forbidden.map((group) => ({ group: [group], message }));
    if (forbiddenRegex) patterns.push({ regex: forbiddenRegex, message });
    return { files: [`${folder}/**/*.{ts,tsx}`], rules: { 'no-restricted-imports': ['error', { patterns }] } };
  }),
);
