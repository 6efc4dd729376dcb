import type { Generated } from 'kysely';
import type { InstitutionKind, LicenceStatus, LicenceType } from './licence-types.js';

export interface InstitutionTable {
  institution_id: Generated<string>;
  uscc: string;
  name_zh: string;
  name_en: string;
  kind: InstitutionKind;
  jurisdiction_code: string;
  registered_at: Generated<Date>;
  registered_by: string;
}

export interface LicenceTable {
  licence_id: Generated<string>;
  institution_id: string;
  licence_type: LicenceType;
  status: LicenceStatus;
  licence_no: string | null;
  applied_at: Generated<Date>;
  status_changed_at: Generated<Date>;
}

export interface LicenceQualificationTable {
  licence_id: string;
  qualification_key: string;
  met: boolean;
  note: string;
  checked_at: Date | null;
  checked_by: string | null;
}

export interface LicenceStatusChangeTable {
  change_id: Generated<number>;
  licence_id: string;
  from_status: LicenceStatus | null;
  to_status: LicenceStatus;
  reason: string;
  actor_id: string | null;
  changed_at: Generated<Date>;
}

declare module '../platform/database.js' {
  interface Database {
    institution: InstitutionTable;
    licence: LicenceTable;
    licence_qualification: LicenceQualificationTable;
    licence_status_change: LicenceStatusChangeTable;
  }
}
