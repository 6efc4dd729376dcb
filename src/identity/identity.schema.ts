import type { Generated } from 'kysely';

export type IdentifierKind = 'resident_id' | 'phone' | 'account';

export interface PersonVaultTable {
  pseudonym: string;
  kind: IdentifierKind;
  key_id: string;
  sealed: string;
  created_at: Generated<Date>;
}

export interface ConsumerTable {
  consumer_id: Generated<string>;
  pseudonym: string;
  phone_pseudonym: string | null;
  region_code: string | null;
  birth_year: number | null;
  registered_at: Generated<Date>;
}

declare module '../platform/database.js' {
  interface Database {
    person_vault: PersonVaultTable;
    consumer: ConsumerTable;
  }
}
