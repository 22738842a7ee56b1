import type { Database } from '@rapport/db'
import type { Kysely, Transaction } from 'kysely'

/** Injection token of the Kysely instance. Repositories take it (or a transaction) as first argument. */
export const DB = Symbol('Database')
export const DB_HANDLE = Symbol('DatabaseHandle')
export type Db = Kysely<Database> | Transaction<Database>
