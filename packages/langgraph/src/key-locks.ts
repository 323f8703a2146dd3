/**
 * Runs tasks one after another per key and concurrently across keys: a put
 * reads what an item's previous put left (its vector count) only once that
 * put has finished. A task may hold several keys (one batch of puts); it
 * starts when the earlier tasks on each of them have finished, so tasks
 * never wait on each other in a cycle.
 */
export class KeyLocks {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(keys: readonly string[], task: () => Promise<T>): Promise<T> {
    const previous = Promise.all(keys.map((k) => this.tails.get(k)));
    const result = previous.then(task);
    const tail = result.catch(() => undefined);
    for (const key of keys) this.tails.set(key, tail);
    void tail.then(() => {
      for (const key of keys) if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}

const shared = new WeakMap<object, KeyLocks>();

/**
 * The locks of one items collection. OmenDB keeps one open database per
 * directory per process and hands every opener the same collection object,
 * so all OmenStores on one database in this process share these locks (and
 * only this process writes the directory: OmenDB's LOCK).
 */
export function locksOf(items: object): KeyLocks {
  let locks = shared.get(items);
  if (!locks) shared.set(items, (locks = new KeyLocks()));
  return locks;
}
