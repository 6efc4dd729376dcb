import { Alert, Button, Card, Flex, Form, Input, Select, Typography } from 'antd';
import { SearchOutlined } from '@ant-design/icons';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, describeError } from '../../api.js';
import { PageTitle } from '../../components/PageTitle.js';
import { CreditReportView } from '../../credit/ReportView.js';
import { inquiryPurposes, type CreditReport } from '../../credit/types.js';

const REFUSALS = ['FH_CONSENT_MISSING', 'FH_CONSENT_EXPIRED', 'FH_CONSENT_WITHDRAWN', 'FH_CONSENT_PURPOSE', 'FH_INVALID_RESIDENT_ID'];

/** An institution looks at a person's credit report, with the person's authorisation for the purpose. */
export function CreditInquiryPage() {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ residentId: string; purpose: string }>();
  const [busy, setBusy] = useState(false);
  const [report, setReport] = useState<CreditReport>();
  // The refusal is kept as the error and put in words when shown, in the language of that moment.
  const [refusal, setRefusal] = useState<{ code: string; error: unknown }>();
  const submit = async (values: { residentId: string; purpose: string }) => {
    setBusy(true);
    setReport(undefined);
    setRefusal(undefined);
    try {
      setReport(await api.post<CreditReport>('/v1/credit/inquiries', { residentId: values.residentId.trim().toUpperCase(), purpose: values.purpose }));
    } catch (error) {
      const code = error instanceof ApiError ? error.code : 'FH_UNEXPECTED';
      setRefusal({ code, error });
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <PageTitle title={t('credit.inquiry.title')} subtitle={t('credit.inquiry.subtitle')} />
      <Card className="fh-card" style={{ marginBottom: 16 }}>
        <Form form={form} layout="vertical" requiredMark={false} initialValues={{ purpose: 'loan_approval' }} onFinish={(values) => void submit(values)} data-testid="inquiry-form">
          <Flex gap={16} wrap align="flex-end">
            <Form.Item name="residentId" label={t('credit.inquiry.residentId')} rules={[{ required: true, whitespace: true, message: t('credit.inquiry.residentIdRequired') }]} style={{ flex: '1 1 240px', marginBottom: 0 }}>
              <Input className="fh-mono" maxLength={18} autoComplete="off" data-testid="inquiry-resident-id" />
            </Form.Item>
            <Form.Item name="purpose" label={t('credit.inquiry.purpose')} style={{ flex: '1 1 200px', marginBottom: 0 }}>
              <Select options={inquiryPurposes.map((code) => ({ value: code, label: t(`credit.purpose.${code}`) }))} data-testid="inquiry-purpose" />
            </Form.Item>
            <Button type="primary" htmlType="submit" icon={<SearchOutlined />} loading={busy} data-action="inquire">
              {t('credit.inquiry.submit')}
            </Button>
          </Flex>
        </Form>
      </Card>
      {refusal && <Alert type="error" showIcon title={t('credit.inquiry.refusedTitle')} description={REFUSALS.includes(refusal.code) ? t(`credit.inquiry.refused.${refusal.code}`) : describeError(refusal.error)} data-testid="inquiry-refused" data-code={refusal.code} style={{ marginBottom: 16 }} />}
      {report && (
        <>
          <Typography.Title level={4}>{t('credit.inquiry.result', { masked: report.subject.residentIdMasked })}</Typography.Title>
          <CreditReportView report={report} />
        </>
      )}
    </>
  );
}
