import { applyD1Migrations, env } from "cloudflare:test";

// The wrangler migrations (generated from the Kysely ones) on both local databases. Setup files
// may run more than once; applyD1Migrations skips what is already applied.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
await applyD1Migrations(env.CONTRACT_DB, env.TEST_MIGRATIONS);
