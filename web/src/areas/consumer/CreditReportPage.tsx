import { App, Button, Form, Input, Modal, Skeleton, Typography } from 'antd';
import { ExclamationCircleOutlined } from '@ant-design/icons';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, describeError } from '../../api.js';
import { ErrorState } from '../../components/ErrorState.js';
import { PageTitle } from '../../components/PageTitle.js';
import { useRemote } from '../../components/useRemote.js';
import { useZhEn } from '../../filing/standard.js';
import { CreditReportView } from '../../credit/ReportView.js';
import type { CreditReport, DisputeView, Tradeline } from '../../credit/types.js';

/** The form of a dispute about one loan account: the reason in the person's words. */
function DisputeDialog({ line, onClose, onFiled }: { line: Tradeline; onClose: () => void; onFiled: (dispute: DisputeView) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const text = useZhEn();
  const [form] = Form.useForm<{ reason: string }>();
  const [busy, setBusy] = useState(false);
  const submit = async ({ reason }: { reason: string }) => {
    setBusy(true);
    try {
      const dispute = await api.post<DisputeView>('/v1/consumer/credit/disputes', { institutionId: line.institution.institutionId, loanId: line.loanId, reason: reason.trim() });
      void message.success(t('credit.report.disputed'));
      onFiled(dispute);
    } catch (error) {
      void message.error(describeError(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open title={t('credit.report.disputeTitle')} onCancel={onClose} okText={t('credit.report.disputeOk')} cancelText={t('common.cancel')} confirmLoading={busy} onOk={() => form.submit()} destroyOnHidden data-testid="dispute-dialog">
      <Typography.Paragraph strong>
        {text({ zh: line.institution.nameZh, en: line.institution.nameEn })} · {line.loanId}
      </Typography.Paragraph>
      <Typography.Paragraph type="secondary">{t('credit.report.disputeIntro')}</Typography.Paragraph>
      <Form form={form} layout="vertical" onFinish={(values) => void submit(values)} requiredMark={false}>
        <Form.Item name="reason" label={t('credit.report.reason')} rules={[{ required: true, whitespace: true, message: t('credit.report.reasonRequired') }, { max: 2000 }]}>
          <Input.TextArea rows={4} maxLength={2000} showCount placeholder={t('credit.report.reasonPlaceholder')} data-testid="dispute-reason" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** The person's own consolidated credit report, with a dispute button on each loan account. */
export function CreditReportPage() {
  const { t } = useTranslation();
  const remote = useRemote(() => api.get<CreditReport>('/v1/consumer/credit-report'), 'credit-report');
  const [disputing, setDisputing] = useState<Tradeline>();
  // Disputes filed on this page, marked on their cards at once.
  const [filed, setFiled] = useState<DisputeView[]>([]);
  const report = remote.data
    ? {
        ...remote.data,
        tradelines: remote.data.tradelines.map((line) => {
          const mine = filed.filter((d) => d.institution.institutionId === line.institution.institutionId && d.loanId === line.loanId && !line.disputes.some((known) => known.disputeId === d.disputeId));
          return mine.length === 0 ? line : { ...line, disputes: [...mine.map((d) => ({ disputeId: d.disputeId, status: d.status, filedAt: d.filedAt, dueOn: d.dueOn, statement: d.statement })), ...line.disputes] };
        }),
      }
    : undefined;
  const hasOpenDispute = (line: Tradeline) => line.disputes.some((d) => d.status === 'open' || d.status === 'escalated');
  return (
    <>
      <PageTitle title={t('menu.creditReport')} subtitle={t('credit.report.subtitle')} />
      {remote.error !== undefined && <ErrorState error={remote.error} onRetry={remote.reload} />}
      {!report && remote.loading && <Skeleton active />}
      {report && (
        <CreditReportView
          report={report}
          tradelineAction={(line) =>
            hasOpenDispute(line) ? undefined : (
              <Button size="small" icon={<ExclamationCircleOutlined />} onClick={() => setDisputing(line)} data-action="dispute">
                {t('credit.report.dispute')}
              </Button>
            )
          }
        />
      )}
      {disputing && (
        <DisputeDialog
          line={disputing}
          onClose={() => setDisputing(undefined)}
          onFiled={(dispute) => {
            setFiled((all) => [dispute, ...all]);
            setDisputing(undefined);
          }}
        />
      )}
    </>
  );
}
