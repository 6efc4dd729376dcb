/** The consumer area, loaded on demand. */
export { ProfilePage, AccessLogPage } from './ProfilePage.js';
export { RemindersPage } from './RemindersPage.js';
export { CreditReportPage } from './CreditReportPage.js';
export { ConsentsPage } from './ConsentsPage.js';
export { EvidencePage } from './EvidencePage.js';
export { DataRightsPage } from './DataRightsPage.js';
export { MediationsPage, MediationPage } from './MediationsPage.js';
export { ComplaintsPage, FileComplaintPage, ComplaintPage } from './ComplaintsPage.js';
