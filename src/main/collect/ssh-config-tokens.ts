import { InvalidInputError } from '../../shared/errors.js';

/**
 * ssh_config(5) "TOKENS" and "PATTERNS": `%h`-style expansion and `*`/`?` patterns, as ssh applies them.
 */

/** One value per token letter: `d` home, `h` host name, `n` alias, `p` port, `r` remote user, `u` local user… */
export type TokenValues = Partial<Record<'C' | 'd' | 'h' | 'n' | 'p' | 'r' | 'u' | 'i' | 'l' | 'L' | 'k' | 'j', string>>;

/**
 * `~/.ssh/%h_%r` with `{h: 'db1', r: 'deploy'}` → `~/.ssh/db1_deploy`; `%%` is a percent sign. A token
 * with no value here (one the keyword does not take, or an unknown letter) is refused naming the keyword, as ssh
 * refuses it, instead of connecting with a wrong path.
 */
export function expandTokens(text: string, values: TokenValues, keyword: string): string {
  return text.replace(/%(.?)/g, (whole, letter: string) => {
    if (letter === '%') return '%';
    const v = values[letter as keyof TokenValues];
    if (v === undefined) throw new InvalidInputError(`ssh config: ${keyword} "${text}": the token ${whole || '%'} is not supported here (known: %% %C %d %h %i %j %k %l %L %n %p %r %u)`);
    return v;
  });
}

/** `*` any run of characters, `?` one character; the rest literal and case-sensitive (ssh's match_pattern). */
export function matchesPattern(subject: string, pattern: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 's');
  return re.test(subject);
}

/** `10.0.0.*,!10.0.0.9`: a comma list where some pattern matches and no `!pattern` does (ssh's match_pattern_list). */
export function matchesPatternList(subject: string, list: string): boolean {
  let isMatch = false;
  for (const raw of list.split(',')) {
    const isNegated = raw.startsWith('!');
    if (!matchesPattern(subject, isNegated ? raw.slice(1) : raw)) continue;
    if (isNegated) return false;
    isMatch = true;
  }
  return isMatch;
}
