/** The supervisor area, loaded on demand: it carries ECharts, which the public pages never need. */
export { DashboardPage } from './DashboardPage.js';
export { InstitutionsPage } from './InstitutionsPage.js';
export { InstitutionDetailPage } from './InstitutionDetailPage.js';
export { FilingsPage } from './FilingsPage.js';
export { FilingDetailPage } from './FilingDetailPage.js';
export { LoanCostPage } from './LoanCostPage.js';
export { AlertsPage } from './AlertsPage.js';
export { AlertPage } from './AlertPage.js';
export { RulebookPage } from './RulebookPage.js';
export { RuleEditorPage } from './RuleEditorPage.js';
export { ScreeningPage } from './ScreeningPage.js';
export { CreditDisputesPage } from './CreditDisputesPage.js';
export { ComplaintsPage } from './ComplaintsPage.js';
