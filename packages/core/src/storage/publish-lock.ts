/**
 * A first-come, first-served async lock. The store holds it from a
 * checkpoint's freeze to its switch, and around a background merge's
 * snapshot and publish: every manifest is then derived from the one before
 * it, and readers' segments always match the manifest's while it is held.
 */
export class PublishLock {
  private tail: Promise<void> = Promise.resolve();

  /** Resolves, once every earlier holder has released, with the function that releases it. */
  acquire(): Promise<() => void> {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const before = this.tail;
    this.tail = before.then(() => held);
    return before.then(() => release);
  }
}
