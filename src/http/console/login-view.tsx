/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */

import type { FC } from "hono/jsx";
import { Document } from "./layout.js";

/** Sign-in: paste an API key with the `admin` scope. The key goes in a POST body, never a URL. */
export const LoginView: FC<{ error?: string | undefined; localMode: boolean; signedOut?: boolean }> = ({
  error,
  localMode,
  signedOut,
}) => (
  <Document title="Sign in">
    <main class="login" id="main">
      <p class="brand-dark muted">taskgate console</p>
      <div class="panel">
        <div class="panel-body">
          <h1>Sign in</h1>
          <p class="sub">Paste an API key that has the admin scope.</p>
          {signedOut ? (
            <p class="flash" role="status">
              You are signed out.
            </p>
          ) : null}
          {error ? (
            <p class="flash flash-error" role="alert">
              {error}
            </p>
          ) : null}
          <form method="post" action="/console/login">
            <div class="field">
              <label for="key">API key</label>
              <input
                type="password"
                id="key"
                name="key"
                autocomplete="off"
                spellcheck={false}
                required
                autofocus
              />
            </div>
            <button type="submit" class="btn btn-primary">
              Sign in
            </button>
          </form>
          <p class="hint">
            {localMode
              ? "Local mode: use the one-time sign-in link printed when taskgate started, or the key local-dev-key."
              : "Keys are listed in api.keys of the config (stored as SHA-256); the session lasts 12 hours."}
          </p>
        </div>
      </div>
    </main>
  </Document>
);
