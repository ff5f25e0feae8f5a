// Minimal type declarations for better-sqlite3 12 (the package ships none and @types/better-sqlite3 is not
// a dependency). Covers what src/store uses; extend when you need more of the API.
declare module "better-sqlite3" {
  namespace BetterSqlite3 {
    interface RunResult {
      changes: number;
      lastInsertRowid: number | bigint;
    }

    interface Statement<BindParameters extends unknown[] = unknown[], Result = unknown> {
      readonly source: string;
      readonly reader: boolean;
      run(...params: BindParameters): RunResult;
      get(...params: BindParameters): Result | undefined;
      all(...params: BindParameters): Result[];
      iterate(...params: BindParameters): IterableIterator<Result>;
      pluck(toggle?: boolean): this;
      raw(toggle?: boolean): this;
    }

    interface Transaction<F extends (...args: never[]) => unknown> {
      (...args: Parameters<F>): ReturnType<F>;
      default(...args: Parameters<F>): ReturnType<F>;
      deferred(...args: Parameters<F>): ReturnType<F>;
      immediate(...args: Parameters<F>): ReturnType<F>;
      exclusive(...args: Parameters<F>): ReturnType<F>;
    }

    interface Options {
      readonly?: boolean;
      fileMustExist?: boolean;
      /** Busy timeout in ms (default 5000). */
      timeout?: number;
      verbose?: (message?: unknown, ...additional: unknown[]) => void;
    }

    interface PragmaOptions {
      simple?: boolean;
    }

    interface Database {
      readonly name: string;
      readonly open: boolean;
      readonly inTransaction: boolean;
      readonly readonly: boolean;
      readonly memory: boolean;
      prepare<BindParameters extends unknown[] = unknown[], Result = unknown>(
        source: string,
      ): Statement<BindParameters, Result>;
      transaction<F extends (...args: never[]) => unknown>(fn: F): Transaction<F>;
      exec(source: string): this;
      pragma(source: string, options?: PragmaOptions): unknown;
      close(): this;
    }

    interface DatabaseConstructor {
      new (filename?: string, options?: Options): Database;
      (filename?: string, options?: Options): Database;
    }
  }

  const Database: BetterSqlite3.DatabaseConstructor;

  namespace Database {
    type Database = BetterSqlite3.Database;
    type Statement<BindParameters extends unknown[] = unknown[], Result = unknown> = BetterSqlite3.Statement<
      BindParameters,
      Result
    >;
    type Transaction<F extends (...args: never[]) => unknown> = BetterSqlite3.Transaction<F>;
    type RunResult = BetterSqlite3.RunResult;
    type Options = BetterSqlite3.Options;
  }

  export = Database;
}
