// The two databases behind the assessment store, reduced to what the store needs: run, query, one transaction at a time.

/** A row as the database returns it. */
export type Row = Readonly<Record<string, unknown>>;

/** Parameters bind positionally to `?` placeholders (the PostgreSQL driver rewrites them to $1, $2, …). */
export type Param = string | number | Buffer | null;

export interface SqlDriver {
  readonly dialect: 'sqlite' | 'postgres';
  /** Where the store is, safe to print (a PostgreSQL URL without its password). */
  readonly location: string;
  run(sql: string, params?: readonly Param[]): Promise<void>;
  /** Runs an INSERT and returns the new row's id (the statement must not end in a RETURNING clause). */
  insert(sql: string, params?: readonly Param[]): Promise<number>;
  query(sql: string, params?: readonly Param[]): Promise<Row[]>;
  /**
   * Runs `work` in one transaction that takes the write lock first (SQLite BEGIN IMMEDIATE; PostgreSQL an
   * advisory lock), so concurrent writers from other processes wait instead of failing or interleaving.
   */
  transaction<T>(work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
