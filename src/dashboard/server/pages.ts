// The dashboard's HTML and CSS: the page (its script is /ui/js/browser/main.js), the login page
// (its script reads the token from the link's #fragment), and the page an unauthenticated visitor
// sees, saying how to log in. No inline scripts, so the Content-Security-Policy can forbid them
// (inline styles are allowed: the graph library sets some).

export const securityHeaders: Record<string, string> = {
  "content-security-policy": "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store",
};

function page(title: string, body: string, script?: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="stylesheet" href="/ui/style.css">
<link rel="icon" href="data:,">
${script ? `<script type="module" src="${script}"></script>\n` : ""}</head>
<body>
${body}
</body>
</html>
`;
}

export const indexPage = page(
  "svcnet — service network",
  `<header>
  <strong>svcnet</strong> service network
  <input id="filter" type="search" placeholder="filter services: name, namespace or IP" autocomplete="off" spellcheck="false">
  <span id="showing"></span>
  <span id="status" class="status">connecting…</span>
</header>
<main>
  <nav id="service-list" aria-label="services"></nav>
  <section id="graph" aria-label="topology"></section>
  <aside id="detail" hidden></aside>
</main>`,
  "/ui/js/browser/main.js",
);

export const loginPage = page(
  "svcnet — log in",
  `<div class="card" id="login">
  <h1>svcnet dashboard</h1>
  <p id="login-status">Logging in…</p>
</div>`,
  "/ui/js/browser/login.js",
);

const howToLogIn = `<p>Open the login link <code>svcnet up</code> printed:</p>
  <pre>https://127.0.0.1:&lt;port&gt;/ui/login#token=&lt;the token of your kubeconfig&gt;</pre>
  <p>or build it yourself from your kubeconfig:</p>
  <pre>echo "$(kubectl config view --raw -o jsonpath='{.clusters[0].cluster.server}')/ui/login#token=$(kubectl config view --raw -o jsonpath='{.users[0].user.token}')"</pre>
  <p>The token becomes a session cookie of this browser (8 hours).</p>`;

export const loginHelpPage = page("svcnet — log in", `<div class="card"><h1>svcnet dashboard: log in</h1>\n  ${howToLogIn}\n</div>`);

export const badTokenPage = page("svcnet — log in", `<div class="card"><h1>That token was not accepted</h1>\n  ${howToLogIn}\n</div>`);

export const stylesheet = `
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.4 system-ui, sans-serif; color: #1d2330; background: #f5f6f8; height: 100vh; display: flex; flex-direction: column; }
header { display: flex; gap: 12px; align-items: center; padding: 8px 12px; background: #1d2330; color: #fff; }
header input { flex: 0 1 320px; padding: 4px 8px; border-radius: 4px; border: 0; }
.status { margin-left: auto; font-size: 12px; opacity: .8; }
.status.live::before { content: "● "; color: #4cd964; }
.status.down::before { content: "● "; color: #ff6b6b; }
main { flex: 1; display: flex; min-height: 0; }
#service-list { width: 240px; overflow: auto; border-right: 1px solid #d8dce3; background: #fff; }
#service-list ul { list-style: none; margin: 0; padding: 0; }
#service-list li { padding: 4px 10px; cursor: pointer; border-bottom: 1px solid #f0f1f4; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
#service-list li:hover, #service-list li.selected { background: #e8f0fe; }
#service-list .ns { color: #7a8499; font-size: 12px; }
#service-list .more { color: #7a8499; cursor: default; }
#graph { flex: 1; min-width: 0; position: relative; }
#graph .canvas { position: absolute; inset: 0; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
#detail { width: 520px; overflow: auto; border-left: 1px solid #d8dce3; background: #fff; padding: 10px 14px; }
#detail h2 { margin: 4px 0 8px; font-size: 18px; }
#detail h3 { margin: 14px 0 6px; font-size: 14px; text-transform: uppercase; letter-spacing: .04em; color: #4a5468; }
#detail table { border-collapse: collapse; width: 100%; font-size: 13px; }
#detail td, #detail th { text-align: left; padding: 2px 6px; border-bottom: 1px solid #eef0f3; vertical-align: top; }
#detail code, pre { font-family: ui-monospace, monospace; font-size: 12px; }
.branch { border: 1px solid #dde1e8; border-radius: 6px; padding: 6px 8px; margin: 6px 0; }
.branch .head { font-weight: 600; }
.chain { font-family: ui-monospace, monospace; font-size: 12px; padding-left: 10px; }
.chain .p { color: #8a4b00; }
.chain .count { color: #0b6b2e; }
.chain .did { color: #5a6275; }
.note { color: #7a5b00; background: #fff7e0; padding: 4px 8px; border-radius: 4px; }
.error { color: #a40000; }
.close { float: right; cursor: pointer; border: 0; background: none; font-size: 18px; }
.card { max-width: 760px; margin: 60px auto; background: #fff; padding: 20px 28px; border-radius: 8px; box-shadow: 0 1px 4px rgba(0,0,0,.1); }
.card pre { background: #f5f6f8; padding: 8px; overflow: auto; white-space: pre-wrap; word-break: break-all; }
`;
