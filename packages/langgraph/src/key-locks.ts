/**
 * Runs tasks one after another per key and concurrently across keys: a put
 * reads what an item's previous put left (its vector count) only once that
 * put has finished. Different keys still share the database's group commits.
 */
export class KeyLocks {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}
