// The Go 1.27 labelled fixture (test/fixtures/go/labelled, a module declaring `go 1.27`) and its
// `go 1.26` sibling: build once per test file, run a mode and capture what it prints.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, buildGoModule } from './go-toolchains.js';

export const FIXTURE_OUT = path.join(REPO_ROOT, '.cache', 'fixtures');

export interface Captured {
  stdout: string;
  stderr: string;
  code: number | null;
}

/** Runs `binary args` to its end (10 s at most) with `env` added to a clean environment. */
export function capture(binary: string, args: string[], env: Record<string, string> = {}): Promise<Captured> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, code });
    });
  });
}

export function buildLabelled(): Promise<string> {
  return buildGoModule('labelled', 'go1.27', FIXTURE_OUT);
}

export function buildLabelledGo126(): Promise<string> {
  return buildGoModule('labelled-go126', 'go1.27', FIXTURE_OUT);
}

/** The line of `// LEAK-ORDERS` in the fixture: where its leaked goroutines block. */
export function leakOrdersLine(): number {
  const lines = readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'go', 'labelled', 'main.go'), 'utf8').split('\n');
  return lines.findIndex((l) => l.includes('// LEAK-ORDERS')) + 1;
}

/** Goroutine headers as Go printed them (thread stacks `goroutine 0` left out). */
export function headerCount(dump: string): number {
  return dump.split('\n').filter((l) => /^goroutine [1-9]\d* /.test(l)).length;
}
