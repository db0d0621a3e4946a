/**
 * Go versions as the dump and this machine show them. A dump names no version itself; a GOROOT path
 * often does (`/usr/lib/go-1.19`, `/usr/local/go1.21.3`, Homebrew `go@1.22/1.22.1/libexec`,
 * `sdk/go1.27.3`). Pure.
 */

/** `/usr/lib/go-1.19` → `1.19`; `/home/me/sdk/go1.21.3` → `1.21.3`; `/usr/local/go` → null. */
export function goVersionOfGoroot(goroot: string): string | null {
  for (const shape of GOROOT_VERSION_SHAPES) {
    const m = shape.exec(`${goroot}/`);
    if (m) return m[1]!;
  }
  return null;
}

const GOROOT_VERSION_SHAPES = [
  // Homebrew: `Cellar/go@1.22/1.22.1/libexec`, `Cellar/go/1.22.1/libexec` (the full version is the folder).
  /\/go(?:@1\.\d+)?\/(1\.\d+(?:\.\d+)?)\/libexec\//,
  // `/usr/lib/go-1.19`, `sdk/go1.21.3`, `go@1.22`.
  /(?:^|\/)go[-@]?(1\.\d+(?:\.\d+)?)\//,
];

/** The first line of `$GOROOT/VERSION` (`go1.19.8`, `go1.27.3`) → `1.19.8`; null when it is not a release. */
export function goVersionOfVersionFile(text: string): string | null {
  const m = /^go(1\.\d+(?:\.\d+)?)/.exec(text.trim());
  return m ? m[1]! : null;
}

/** `1.19.8` and `1.19` agree (the dump often shows only the minor version); `1.19` and `1.27` do not. */
export function sameGoRelease(a: string, b: string): boolean {
  const minor = (v: string): string => v.split('.').slice(0, 2).join('.');
  return minor(a) === minor(b);
}

/** A note when the local GOROOT is another Go release than the dump's GOROOT shows; null when they agree or either is unknown. */
export function gorootVersionNote(dumpGoroots: readonly string[], localVersion: string | null, localGoroot: string): string | null {
  if (localVersion === null) return null;
  for (const root of dumpGoroots) {
    const dumpVersion = goVersionOfGoroot(root);
    if (dumpVersion !== null && !sameGoRelease(dumpVersion, localVersion)) {
      return `the dump ran Go ${dumpVersion} (GOROOT ${root}) but the local GOROOT ${localGoroot} is Go ${localVersion}: standard-library lines may not match`;
    }
  }
  return null;
}
