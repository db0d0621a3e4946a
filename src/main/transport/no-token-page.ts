/**
 * What a browser shows when it opens `goroscope serve` without the token (a bookmark, a reload after
 * the cookie was cleared, the URL typed without `?token=`): a readable page saying what to do, instead
 * of the JSON envelope the API answers. Static text: nothing from the request is echoed into it.
 */
export const NO_TOKEN_PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

export const NO_TOKEN_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="color-scheme" content="light dark">
<title>Goroscope: open the link with the token</title>
<style>
  body { font: 15px/1.5 system-ui, sans-serif; max-width: 36rem; margin: 12vh auto; padding: 0 1.5rem; }
  h1 { font-size: 1.3rem; }
  code { font: 0.9em ui-monospace, monospace; background: rgba(127,127,127,0.15); padding: 0.1em 0.3em; border-radius: 3px; }
  .muted { opacity: 0.7; font-size: 0.9em; }
</style>
</head>
<body>
<main>
<h1>This Goroscope needs its sign-in link</h1>
<p><code>goroscope serve</code> only answers browsers that opened the link it printed when it started,
which carries a one-time token: <code>http://127.0.0.1:PORT/?token=…</code>.</p>
<p>Open that link again (copy it from the terminal where <code>goroscope serve</code> runs). If that
terminal is gone, start <code>goroscope serve</code> again: each start prints a new link.</p>
<p class="muted">The token keeps other pages and programs on this machine out of your recordings.</p>
</main>
</body>
</html>
`;
