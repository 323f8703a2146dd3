import { afterEach, beforeEach, expect } from 'vitest';

/**
 * Fails each test of the file that emits a process warning. A worker thread
 * that fails to start is reported as one, and the build then quietly falls
 * back to one thread; tests that want two threads must see none.
 */
export function expectNoProcessWarnings(): void {
  let warnings: string[] = [];
  const onWarning = (w: Error): void => {
    warnings.push(w.message);
  };
  beforeEach(() => {
    warnings = [];
    process.on('warning', onWarning);
  });
  afterEach(() => {
    process.off('warning', onWarning);
    expect(warnings, 'process warnings (a worker that did not start?)').toEqual([]);
  });
}
