/** One page of a list, newest first; `nextCursor` fetches the next one (null on the last). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
