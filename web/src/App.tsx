import { App as AntApp, Button, ConfigProvider, Result, Spin } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import enUS from 'antd/locale/en_US';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { lazy, Suspense, type ComponentType } from 'react';
import { BrowserRouter, Link, Route, Routes } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { AlertOutlined, AuditOutlined, CommentOutlined, FolderOpenOutlined, InboxOutlined, TeamOutlined, BankOutlined, BellOutlined, BookOutlined, CalculatorOutlined, CloudUploadOutlined, DashboardOutlined, ExceptionOutlined, FundOutlined, FileSearchOutlined, IdcardOutlined, KeyOutlined, ProfileOutlined, SafetyCertificateOutlined, SolutionOutlined, UnlockOutlined } from '@ant-design/icons';
import { AppLayout, PublicPage } from './components/AppLayout.js';
import { RoleArea, type AreaMenuItem } from './components/RoleArea.js';
import { HomePage } from './areas/public/HomePage.js';
import { InstitutionPage } from './areas/public/InstitutionPage.js';
import { RegisterPage } from './areas/public/RegisterPage.js';
import { RulesPage } from './areas/public/RulesPage.js';
import { ComplaintStatisticsPage } from './areas/public/ComplaintStatisticsPage.js';
import { LoginPage } from './areas/login/LoginPage.js';
import { ReminderBadge } from './screening/ReminderBadge.js';
import { SessionProvider } from './session.js';
import { englishTheme, theme } from './theme.js';

/** One page of a lazily loaded area module. */
function lazyPage<M>(load: () => Promise<M>, pick: (module: M) => ComponentType) {
  return lazy(() => load().then((module) => ({ default: pick(module) })));
}

const supervisor = () => import('./areas/supervisor/index.js');
const institution = () => import('./areas/institution/index.js');
const consumer = () => import('./areas/consumer/index.js');
const mediator = () => import('./areas/mediator/index.js');

const SupervisorDashboard = lazyPage(supervisor, (m) => m.DashboardPage);
const SupervisorInstitutions = lazyPage(supervisor, (m) => m.InstitutionsPage);
const SupervisorInstitution = lazyPage(supervisor, (m) => m.InstitutionDetailPage);
const SupervisorFilings = lazyPage(supervisor, (m) => m.FilingsPage);
const SupervisorFiling = lazyPage(supervisor, (m) => m.FilingDetailPage);
const SupervisorLoanCost = lazyPage(supervisor, (m) => m.LoanCostPage);
const SupervisorAlerts = lazyPage(supervisor, (m) => m.AlertsPage);
const SupervisorAlert = lazyPage(supervisor, (m) => m.AlertPage);
const SupervisorRulebook = lazyPage(supervisor, (m) => m.RulebookPage);
const SupervisorRuleEditor = lazyPage(supervisor, (m) => m.RuleEditorPage);
const SupervisorScreening = lazyPage(supervisor, (m) => m.ScreeningPage);
const SupervisorCreditDisputes = lazyPage(supervisor, (m) => m.CreditDisputesPage);
const SupervisorComplaints = lazyPage(supervisor, (m) => m.ComplaintsPage);
const SupervisorCreditModels = lazyPage(supervisor, (m) => m.CreditModelsPage);
const InstitutionProfile = lazyPage(institution, (m) => m.ProfilePage);
const InstitutionApiKeys = lazyPage(institution, (m) => m.ApiKeysPage);
const InstitutionFilings = lazyPage(institution, (m) => m.FilingsPage);
const InstitutionFiling = lazyPage(institution, (m) => m.FilingDetailPage);
const InstitutionLoanCost = lazyPage(institution, (m) => m.LoanCostPage);
const InstitutionAlerts = lazyPage(institution, (m) => m.AlertsPage);
const InstitutionAlert = lazyPage(institution, (m) => m.AlertPage);
const InstitutionScreening = lazyPage(institution, (m) => m.ScreeningPage);
const InstitutionCreditInquiry = lazyPage(institution, (m) => m.CreditInquiryPage);
const InstitutionDisputeDesk = lazyPage(institution, (m) => m.DisputeDeskPage);
const InstitutionComplaintDesk = lazyPage(institution, (m) => m.ComplaintDeskPage);
const ConsumerProfile = lazyPage(consumer, (m) => m.ProfilePage);
const ConsumerAccessLog = lazyPage(consumer, (m) => m.AccessLogPage);
const ConsumerReminders = lazyPage(consumer, (m) => m.RemindersPage);
const ConsumerCreditReport = lazyPage(consumer, (m) => m.CreditReportPage);
const ConsumerConsents = lazyPage(consumer, (m) => m.ConsentsPage);
const ConsumerEvidence = lazyPage(consumer, (m) => m.EvidencePage);
const ConsumerDataRights = lazyPage(consumer, (m) => m.DataRightsPage);
const ConsumerMediations = lazyPage(consumer, (m) => m.MediationsPage);
const ConsumerMediation = lazyPage(consumer, (m) => m.MediationPage);
const InstitutionMediations = lazyPage(institution, (m) => m.MediationsPage);
const InstitutionEvidence = lazyPage(institution, (m) => m.EvidencePage);
const InstitutionMediation = lazyPage(institution, (m) => m.MediationPage);
const SupervisorMediators = lazyPage(supervisor, (m) => m.MediatorsPage);
const SupervisorMediation = lazyPage(supervisor, (m) => m.MediationPage);
const MediatorQueue = lazyPage(mediator, (m) => m.QueuePage);
const MediatorCases = lazyPage(mediator, (m) => m.CasesPage);
const MediatorCase = lazyPage(mediator, (m) => m.CasePage);
const ConsumerComplaints = lazyPage(consumer, (m) => m.ComplaintsPage);
const ConsumerFileComplaint = lazyPage(consumer, (m) => m.FileComplaintPage);
const ConsumerComplaint = lazyPage(consumer, (m) => m.ComplaintPage);

const supervisorMenu: AreaMenuItem[] = [
  { path: '/supervisor', labelKey: 'menu.dashboard', icon: <DashboardOutlined /> },
  { path: '/supervisor/institutions', labelKey: 'menu.institutions', icon: <BankOutlined /> },
  { path: '/supervisor/filings', labelKey: 'menu.filings', icon: <CloudUploadOutlined /> },
  { path: '/supervisor/alerts', labelKey: 'menu.alerts', icon: <AlertOutlined /> },
  { path: '/supervisor/screening', labelKey: 'menu.screening', icon: <SafetyCertificateOutlined /> },
  { path: '/supervisor/credit-disputes', labelKey: 'menu.creditDisputes', icon: <ExceptionOutlined /> },
  { path: '/supervisor/mediators', labelKey: 'menu.mediators', icon: <TeamOutlined /> },
  { path: '/supervisor/complaints', labelKey: 'complaints.menu.supervisor', icon: <CommentOutlined /> },
  { path: '/supervisor/credit-models', labelKey: 'menu.creditModels', icon: <FundOutlined /> },
  { path: '/supervisor/rules', labelKey: 'menu.rulebook', icon: <BookOutlined /> },
];
const institutionMenu: AreaMenuItem[] = [
  { path: '/institution', labelKey: 'menu.profile', icon: <ProfileOutlined /> },
  { path: '/institution/filings', labelKey: 'menu.filings', icon: <CloudUploadOutlined /> },
  { path: '/institution/alerts', labelKey: 'menu.ourAlerts', icon: <AlertOutlined /> },
  { path: '/institution/screening', labelKey: 'menu.screeningLog', icon: <SafetyCertificateOutlined /> },
  { path: '/institution/credit-inquiry', labelKey: 'menu.creditInquiry', icon: <FileSearchOutlined /> },
  { path: '/institution/disputes', labelKey: 'menu.disputeDesk', icon: <ExceptionOutlined /> },
  { path: '/institution/mediations', labelKey: 'menu.mediations', icon: <CommentOutlined /> },
  { path: '/institution/evidence', labelKey: 'menu.evidence', icon: <FolderOpenOutlined /> },
  { path: '/institution/complaints', labelKey: 'complaints.menu.desk', icon: <CommentOutlined /> },
  { path: '/institution/loan-cost', labelKey: 'menu.loanCost', icon: <CalculatorOutlined /> },
  { path: '/institution/api-keys', labelKey: 'menu.apiKeys', icon: <KeyOutlined /> },
];
const consumerMenu: AreaMenuItem[] = [
  { path: '/consumer', labelKey: 'menu.consumerProfile', icon: <IdcardOutlined /> },
  { path: '/consumer/reminders', labelKey: 'menu.reminders', icon: <BellOutlined />, badge: <ReminderBadge /> },
  { path: '/consumer/credit-report', labelKey: 'menu.creditReport', icon: <SolutionOutlined /> },
  { path: '/consumer/complaints', labelKey: 'complaints.menu.mine', icon: <CommentOutlined /> },
  { path: '/consumer/consents', labelKey: 'menu.consents', icon: <UnlockOutlined /> },
  { path: '/consumer/evidence', labelKey: 'menu.evidence', icon: <FolderOpenOutlined /> },
  { path: '/consumer/data-rights', labelKey: 'menu.dataRights', icon: <SafetyCertificateOutlined /> },
  { path: '/consumer/mediations', labelKey: 'menu.mediations', icon: <CommentOutlined /> },
  { path: '/consumer/access-log', labelKey: 'menu.accessLog', icon: <AuditOutlined /> },
];
const mediatorMenu: AreaMenuItem[] = [
  { path: '/mediator', labelKey: 'menu.mediationQueue', icon: <InboxOutlined /> },
  { path: '/mediator/cases', labelKey: 'menu.mediationCases', icon: <CommentOutlined /> },
];

function Loading() {
  return (
    <div className="fh-loading">
      <Spin size="large" />
    </div>
  );
}

function lazyElement(Page: ComponentType) {
  return (
    <Suspense fallback={<Loading />}>
      <Page />
    </Suspense>
  );
}

function NotFound() {
  const { t } = useTranslation();
  return (
    <PublicPage>
      <Result
        status="404"
        title="404"
        subTitle={t('error.pageNotFound')}
        extra={
          <Link to="/">
            <Button type="primary">{t('nav.registry')}</Button>
          </Link>
        }
      />
    </PublicPage>
  );
}

/** Providers (Ant Design theme and locale, session) and the routes of every area. */
export function App() {
  const { i18n } = useTranslation();
  const english = i18n.language.startsWith('en');
  dayjs.locale(english ? 'en' : 'zh-cn');
  return (
    <ConfigProvider locale={english ? enUS : zhCN} theme={english ? englishTheme : theme}>
      <AntApp>
        <SessionProvider>
          <BrowserRouter>
            <Routes>
              <Route element={<AppLayout />}>
                <Route index element={<HomePage />} />
                <Route path="institutions/:institutionId" element={<InstitutionPage />} />
                <Route path="rules" element={<RulesPage />} />
                <Route path="complaint-statistics" element={<ComplaintStatisticsPage />} />
                <Route path="register" element={<RegisterPage />} />
                <Route path="login" element={<LoginPage />} />
                <Route path="supervisor" element={<RoleArea role="supervisor" menu={supervisorMenu} />}>
                  <Route index element={lazyElement(SupervisorDashboard)} />
                  <Route path="institutions" element={lazyElement(SupervisorInstitutions)} />
                  <Route path="institutions/:institutionId" element={lazyElement(SupervisorInstitution)} />
                  <Route path="filings" element={lazyElement(SupervisorFilings)} />
                  <Route path="filings/:filingId" element={lazyElement(SupervisorFiling)} />
                  <Route path="institutions/:institutionId/loan-cost" element={lazyElement(SupervisorLoanCost)} />
                  <Route path="alerts" element={lazyElement(SupervisorAlerts)} />
                  <Route path="alerts/:alertId" element={lazyElement(SupervisorAlert)} />
                  <Route path="rules" element={lazyElement(SupervisorRulebook)} />
                  <Route path="rules/:ruleId/tighten" element={lazyElement(SupervisorRuleEditor)} />
                  <Route path="screening" element={lazyElement(SupervisorScreening)} />
                  <Route path="credit-disputes" element={lazyElement(SupervisorCreditDisputes)} />
                  <Route path="mediators" element={lazyElement(SupervisorMediators)} />
                  <Route path="mediations/:caseId" element={lazyElement(SupervisorMediation)} />
                  <Route path="complaints" element={lazyElement(SupervisorComplaints)} />
                  <Route path="credit-models" element={lazyElement(SupervisorCreditModels)} />
                </Route>
                <Route path="institution" element={<RoleArea role="institution" menu={institutionMenu} />}>
                  <Route index element={lazyElement(InstitutionProfile)} />
                  <Route path="filings" element={lazyElement(InstitutionFilings)} />
                  <Route path="filings/:filingId" element={lazyElement(InstitutionFiling)} />
                  <Route path="loan-cost" element={lazyElement(InstitutionLoanCost)} />
                  <Route path="alerts" element={lazyElement(InstitutionAlerts)} />
                  <Route path="alerts/:alertId" element={lazyElement(InstitutionAlert)} />
                  <Route path="api-keys" element={lazyElement(InstitutionApiKeys)} />
                  <Route path="screening" element={lazyElement(InstitutionScreening)} />
                  <Route path="credit-inquiry" element={lazyElement(InstitutionCreditInquiry)} />
                  <Route path="disputes" element={lazyElement(InstitutionDisputeDesk)} />
                  <Route path="mediations" element={lazyElement(InstitutionMediations)} />
                  <Route path="evidence" element={lazyElement(InstitutionEvidence)} />
                  <Route path="mediations/:caseId" element={lazyElement(InstitutionMediation)} />
                  <Route path="complaints" element={lazyElement(InstitutionComplaintDesk)} />
                </Route>
                <Route path="consumer" element={<RoleArea role="consumer" menu={consumerMenu} />}>
                  <Route index element={lazyElement(ConsumerProfile)} />
                  <Route path="access-log" element={lazyElement(ConsumerAccessLog)} />
                  <Route path="reminders" element={lazyElement(ConsumerReminders)} />
                  <Route path="credit-report" element={lazyElement(ConsumerCreditReport)} />
                  <Route path="consents" element={lazyElement(ConsumerConsents)} />
                  <Route path="evidence" element={lazyElement(ConsumerEvidence)} />
                  <Route path="data-rights" element={lazyElement(ConsumerDataRights)} />
                  <Route path="mediations" element={lazyElement(ConsumerMediations)} />
                  <Route path="mediations/:caseId" element={lazyElement(ConsumerMediation)} />
                  <Route path="complaints" element={lazyElement(ConsumerComplaints)} />
                  <Route path="complaints/new" element={lazyElement(ConsumerFileComplaint)} />
                  <Route path="complaints/:complaintId" element={lazyElement(ConsumerComplaint)} />
                </Route>
                <Route path="mediator" element={<RoleArea role="mediator" menu={mediatorMenu} />}>
                  <Route index element={lazyElement(MediatorQueue)} />
                  <Route path="cases" element={lazyElement(MediatorCases)} />
                  <Route path="cases/:caseId" element={lazyElement(MediatorCase)} />
                </Route>
                <Route path="*" element={<NotFound />} />
              </Route>
            </Routes>
          </BrowserRouter>
        </SessionProvider>
      </AntApp>
    </ConfigProvider>
  );
}
