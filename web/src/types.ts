/** Shapes of the Fenghuo HTTP API as the UI reads them (see scratch/API.md and /openapi.json). */

export type Role = 'supervisor' | 'institution' | 'consumer';

export interface Named {
  code: string;
  nameZh: string;
  nameEn: string;
}

export type Principal =
  | { role: 'supervisor'; userId: string; displayName: string; jurisdiction: Named }
  | { role: 'institution'; institutionId: string; keyId: string; institution: { uscc: string; nameZh: string; nameEn: string } }
  | { role: 'consumer'; userId: string; consumerId: string; displayName: string };

export interface SessionReply {
  token: string;
  expiresAt: string;
  principal: Principal;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export interface Jurisdiction extends Named {
  level: 'country' | 'province' | 'city';
  parentCode: string | null;
}

export interface Qualification {
  key: string;
  nameZh: string;
  nameEn: string;
}

export interface LicenceType {
  type: string;
  nameZh: string;
  nameEn: string;
  qualifications: Qualification[];
}

export const licenceStatuses = ['applied', 'approved', 'suspended', 'revoked'] as const;
export type LicenceStatus = (typeof licenceStatuses)[number];

export interface LicenceSummary {
  licenceId: string;
  licenceNo: string | null;
  type: string;
  status: LicenceStatus;
  statusChangedAt: string;
}

export interface InstitutionSummary {
  institutionId: string;
  uscc: string;
  nameZh: string;
  nameEn: string;
  kind: string;
  jurisdiction: Named;
  licences: LicenceSummary[];
}

export interface QualificationCheck extends Qualification {
  met: boolean;
  note: string | null;
  checkedAt: string | null;
}

export interface StatusChange {
  fromStatus: LicenceStatus | null;
  toStatus: LicenceStatus;
  reason: string | null;
  at: string;
}

export interface Licence extends LicenceSummary {
  appliedAt: string;
  qualifications: QualificationCheck[];
  history: StatusChange[];
}

export interface InstitutionDetail extends Omit<InstitutionSummary, 'licences'> {
  registeredAt: string;
  licences: Licence[];
}

export interface RegionCount extends Named {
  institutions: number;
  approvedLicences: number;
}

export interface SupervisorOverview {
  jurisdiction: Named;
  institutions: number;
  licencesByStatus: Record<LicenceStatus, number>;
  licencesByType: Record<string, number>;
  consumers: number;
  byRegion: RegionCount[];
  /** Present once the filing capability lands. */
  loans?: number;
  loanPrincipalFen?: number;
  complaints?: number;
  filings?: number;
}

export interface ApiKeyView {
  keyId: string;
  label: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface IssuedApiKey {
  apiKey: string;
  keyId: string;
  createdAt: string;
}

export interface ConsumerProfile {
  consumerId: string;
  displayName: string;
  residentIdMasked: string;
  birthDate: string | null;
  sex: string | null;
  region: Named | null;
  registeredAt: string;
}

export interface AccessLogEntry {
  seq: number | string;
  occurredAt: string;
  actorRole: string;
  action: string;
  reason: string | null;
  resource: string | null;
}
