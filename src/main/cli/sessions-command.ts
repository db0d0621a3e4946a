import { InvalidArgumentError, type Command } from 'commander';
import { openHistory, sessionListEntry } from '../use-cases/session-history.js';

const DB_HELP = 'history database (default: $GOROSCOPE_DB, else goroscope.db in the app-data folder)';

function localTime(iso: string | null): string {
  if (iso === null) return '-';
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

function parseId(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`"${text}" is not a session id; \`goroscope sessions\` lists them`);
  return n;
}

export function registerSessions(program: Command): void {
  const sessions = program
    .command('sessions')
    .description('list recorded and imported sessions (`sessions rm ID` deletes one)')
    .option('--json', 'print a JSON array of {id, name, target, startedAt, endedAt, snapshots, failedTicks, state}')
    .option('--db <file>', DB_HELP)
    .action((o: { json?: boolean; db?: string }) => {
      const store = openHistory(o.db);
      try {
        const now = Date.now();
        const list = store.listSessions().map((s) => sessionListEntry(s, now));
        if (o.json) {
          process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
          return;
        }
        if (list.length === 0) {
          process.stdout.write(`no sessions in ${store.path}; start one with \`goroscope record <url>\` or \`goroscope import <files…>\`\n`);
          return;
        }
        const rows = [['ID', 'NAME', 'TARGET', 'STARTED', 'ENDED', 'SNAPSHOTS', 'FAILED TICKS']];
        for (const s of list) {
          const members = store.fleets.memberSessions(s.id).length;
          const ended = s.state === 'ended' ? localTime(s.endedAt) : s.state;
          rows.push([String(s.id), s.name, members > 0 ? `(fleet of ${members})` : (s.target ?? '(import)'), localTime(s.startedAt), ended, String(s.snapshots), String(s.failedTicks)]);
        }
        const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
        const numeric = new Set([0, 5, 6]);
        for (const r of rows) {
          process.stdout.write(`${r.map((cell, c) => (numeric.has(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd()}\n`);
        }
      } finally {
        store.dispose();
      }
    });
  sessions
    .command('rm')
    .description('delete a session with its snapshots and raw dumps')
    .argument('<id>', 'session id', parseId)
    .option('--db <file>', DB_HELP)
    .action((id: number, o: { db?: string }, cmd: Command) => {
      const db = o.db ?? (cmd.parent?.opts() as { db?: string } | undefined)?.db;
      const store = openHistory(db);
      try {
        const s = store.session(id);
        store.removeSession(id);
        process.stdout.write(`removed session ${id} "${s.name}" (${s.snapshots} snapshots)\n`);
      } finally {
        store.dispose();
      }
    });
}
