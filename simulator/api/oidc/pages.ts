import { html } from 'hono/html';

// The issuer's pages: plain HTML a test can drive and a person can read. `html` escapes every value.

const style = html`<style>
  body {
    font-family: system-ui, sans-serif;
    background: #f4f5f7;
    margin: 0;
  }
  main {
    max-width: 22rem;
    margin: 4rem auto;
    background: #fff;
    padding: 1.5rem 2rem;
    border-radius: 6px;
    box-shadow: 0 1px 3px rgba(0, 0, 0, 0.15);
  }
  h1 {
    font-size: 1.25rem;
    margin-top: 0;
  }
  label {
    display: block;
    margin: 0.75rem 0 0.25rem;
  }
  input[type='text'],
  input[type='password'] {
    width: 100%;
    box-sizing: border-box;
    padding: 0.4rem;
  }
  button {
    margin-top: 1rem;
    padding: 0.45rem 1.2rem;
  }
  .error {
    color: #a40000;
  }
  .note {
    color: #555;
    font-size: 0.85rem;
  }
</style>`;

function page(title: string, body: ReturnType<typeof html>) {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>${title}</title>
        ${style}
      </head>
      <body>
        <main>${body}</main>
      </body>
    </html>`;
}

export function loginPage(input: {
  site: string;
  clientId: string;
  params: Record<string, string>;
  username?: string;
  error?: string;
}) {
  const hidden = Object.entries(input.params).map(
    ([name, value]) => html`<input type="hidden" name="${name}" value="${value}" />`,
  );
  return page(
    `Sign in: ${input.site}`,
    html`<h1>Sign in to ${input.site}</h1>
      <p class="note">Client <code>${input.clientId}</code> asks you to sign in.</p>
      ${input.error ? html`<p class="error" role="alert">${input.error}</p>` : ''}
      <form method="post" action="authorize">
        ${hidden}
        <label for="username">Username</label>
        <input id="username" name="username" type="text" autocomplete="username" value="${input.username ?? ''}" />
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="current-password" />
        <button type="submit">Sign in</button>
      </form>`,
  );
}

export function errorPage(error: string, description: string) {
  return page(
    'Sign-in error',
    html`<h1>We cannot sign you in</h1>
      <p class="error">${error}: ${description}</p>
      <p class="note">The application that sent you here is misconfigured; you were not sent back to it.</p>`,
  );
}

export function loggedOutPage() {
  return page('Signed out', html`<h1>You are signed out</h1>`);
}
