/**
 * One posting list built an entry at a time (a memtable's or a merge's):
 * rows and one value per row (a term frequency, a sparse weight) in two
 * typed arrays that double when full.
 */
export abstract class GrowingPostingList<V extends Uint32Array | Float32Array> {
  rows = new Uint32Array(2);
  values: V = this.makeValues(2);
  length = 0;

  /** A value array of `length` zeros (a method, so no list holds a closure). */
  protected abstract makeValues(length: number): V;

  /** Appends a posting; returns the bytes the arrays grew by. */
  push(row: number, value: number): number {
    let grown = 0;
    if (this.length === this.rows.length) {
      grown = 8 * this.length;
      const rows = new Uint32Array(this.length * 2);
      rows.set(this.rows);
      this.rows = rows;
      const values = this.makeValues(this.length * 2);
      values.set(this.values);
      this.values = values;
    }
    this.rows[this.length] = row;
    this.values[this.length] = value;
    this.length++;
    return grown;
  }

  /** The postings so far: views of the two arrays, valid until the next push. */
  entries(): { rows: Uint32Array; values: V } {
    return { rows: this.rows.subarray(0, this.length), values: this.values.subarray(0, this.length) as V };
  }

  get byteLength(): number {
    return this.rows.byteLength + this.values.byteLength;
  }
}
