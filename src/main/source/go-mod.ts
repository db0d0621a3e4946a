/**
 * The module path a go.mod declares. Pure.
 *
 *   module example.com/svc          → example.com/svc
 *   module "example.com/quoted"     → example.com/quoted
 *   // no module line                → null
 */
export function moduleOfGoMod(text: string): string | null {
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\/\/.*$/, '').trim();
    const m = /^module\s+(?:"([^"]+)"|(\S+))$/.exec(line);
    if (m) return m[1] ?? m[2]!;
  }
  return null;
}
