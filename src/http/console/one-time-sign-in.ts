import { TaskgateError } from "../../core/errors.js";
import type { TokenSigner } from "../../core/signed-token.js";
import type { Clock } from "../../ports/clock.js";
import type { Ids } from "../../ports/ids.js";

/** A sign-in link is good for this long after start-up prints it. */
export const SIGN_IN_LINK_TTL_MS = 15 * 60_000;

/**
 * Local mode's one-time console sign-in links: signed, short-lived, and single-use. Used ids are
 * remembered in this process only, which is enough because each link is also bound to this
 * process's boot id: after a restart no earlier link works, used or not.
 */
export class OneTimeSignIn {
  private readonly boot: string;
  private readonly used = new Set<string>();

  constructor(
    private readonly deps: { tokens: TokenSigner; clock: Clock; ids: Ids },
    /** The console principal a link signs in as (the local API key's name). */
    private readonly name: string,
  ) {
    this.boot = deps.ids.newId();
  }

  /** A fresh link's path (the caller puts its own origin in front). */
  async issue(): Promise<string> {
    const now = this.deps.clock.now();
    const token = await this.deps.tokens.sign(
      {
        purpose: "console-login",
        subject: this.name,
        expiresAt: now + SIGN_IN_LINK_TTL_MS,
        extra: { boot: this.boot },
      },
      now,
      this.deps.ids.newId(),
    );
    return `/console/login/${token}`;
  }

  /** The name to sign in as; throws `token_invalid`/`token_expired` for a used, foreign or old link. */
  async consume(token: string): Promise<string> {
    const claims = await this.deps.tokens.verify(token, "console-login", this.deps.clock.now());
    const jti = claims.jti;
    if (claims.boot !== this.boot || typeof jti !== "string" || this.used.has(jti)) {
      throw new TaskgateError(
        "token_invalid",
        "this sign-in link was used already or is from an earlier run",
      );
    }
    this.used.add(jti);
    return claims.sub;
  }
}
