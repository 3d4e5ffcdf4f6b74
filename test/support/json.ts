/**
 * Response bodies in tests are asserted field by field (`toMatchObject`), so a loose type keeps
 * those assertions readable; production code never uses it.
 */
// biome-ignore lint/suspicious/noExplicitAny: test-only loose JSON, see above
export type LooseJson = any;

export function json(res: Response): Promise<LooseJson> {
  return res.json() as Promise<LooseJson>;
}
