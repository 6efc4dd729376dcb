/** The institution portal, loaded on demand. */
export { ProfilePage } from './ProfilePage.js';
export { ApiKeysPage } from './ApiKeysPage.js';
export { FilingsPage } from './FilingsPage.js';
export { FilingDetailPage } from './FilingDetailPage.js';
export { LoanCostPage } from './LoanCostPage.js';
export { AlertsPage } from './AlertsPage.js';
export { AlertPage } from './AlertPage.js';
export { ScreeningPage } from './ScreeningPage.js';
export { CreditInquiryPage } from './CreditInquiryPage.js';
export { DisputeDeskPage } from './DisputeDeskPage.js';
export { MediationsPage, MediationPage } from './MediationsPage.js';
export { ComplaintDeskPage } from './ComplaintDeskPage.js';
export { EvidencePage } from './EvidencePage.js';
