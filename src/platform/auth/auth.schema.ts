import type { ColumnType, Generated } from 'kysely';

export type UserRole = 'supervisor' | 'consumer' | 'mediator';
export type SessionRole = 'supervisor' | 'consumer' | 'institution' | 'mediator';

export interface AppUserTable {
  user_id: Generated<string>;
  username: string;
  password_hash: string;
  role: UserRole;
  display_name: string;
  jurisdiction_code: string | null;
  consumer_id: string | null;
  created_at: Generated<Date>;
  disabled_at: Date | null;
}

export interface ApiKeyTable {
  key_id: string;
  institution_id: string;
  secret_hash: string;
  label: string;
  created_at: Generated<Date>;
  created_by: string;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

export interface AuthSessionTable {
  token_hash: string;
  role: SessionRole;
  user_id: string | null;
  institution_id: string | null;
  api_key_id: string | null;
  created_at: Generated<Date>;
  expires_at: ColumnType<Date, Date, Date>;
  revoked_at: Date | null;
}

declare module '../database.js' {
  interface Database {
    app_user: AppUserTable;
    api_key: ApiKeyTable;
    auth_session: AuthSessionTable;
  }
}
