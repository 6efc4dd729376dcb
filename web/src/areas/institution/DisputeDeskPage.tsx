import { Alert, App, Button, Card, Form, Input, Modal, Radio, Segmented, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, describeError } from '../../api.js';
import { ErrorState } from '../../components/ErrorState.js';
import { PageTitle } from '../../components/PageTitle.js';
import { useRemote } from '../../components/useRemote.js';
import { DisputeTable } from '../../credit/DisputeTable.js';
import type { DisputeStatus, DisputeView } from '../../credit/types.js';

const FILTERS = ['all', 'open', 'escalated', 'corrected', 'kept'] as const;

/** The answer to a dispute: kept with a statement, or corrected once a corrected filing has been accepted. */
function AnswerDialog({ dispute, onClose, onAnswered }: { dispute: DisputeView; onClose: () => void; onAnswered: (view: DisputeView) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ outcome: 'kept' | 'corrected'; statement: string }>();
  const outcome = Form.useWatch('outcome', form);
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<unknown>();
  const submit = async (values: { outcome: 'kept' | 'corrected'; statement: string }) => {
    setBusy(true);
    setRefusal(undefined);
    try {
      const view = await api.post<DisputeView>(`/v1/institution/credit/disputes/${dispute.disputeId}/answer`, { outcome: values.outcome, statement: values.statement.trim() });
      void message.success(t('credit.desk.answered'));
      onAnswered(view);
    } catch (error) {
      setRefusal(error);
    } finally {
      setBusy(false);
    }
  };
  const code = refusal instanceof ApiError ? refusal.code : '';
  const refusalText = code === 'FH_CREDIT_CORRECTION_MISSING' ? t('credit.desk.correctionMissing') : code === 'FH_CREDIT_DISPUTE_CLOSED' ? t('credit.desk.closed') : describeError(refusal);
  return (
    <Modal open title={t('credit.desk.answerTitle', { loan: dispute.loanId })} onCancel={onClose} okText={t('credit.desk.answerOk')} cancelText={t('common.cancel')} confirmLoading={busy} onOk={() => form.submit()} destroyOnHidden>
      <Typography.Paragraph type="secondary" style={{ whiteSpace: 'pre-wrap' }}>
        {dispute.reason}
      </Typography.Paragraph>
      <Form form={form} layout="vertical" requiredMark={false} initialValues={{ outcome: 'kept' }} onFinish={(values) => void submit(values)} data-testid="answer-form">
        <Form.Item name="outcome" label={t('credit.desk.outcome')}>
          <Radio.Group
            options={[
              { value: 'kept', label: t('credit.desk.kept') },
              { value: 'corrected', label: t('credit.desk.corrected') },
            ]}
          />
        </Form.Item>
        {outcome === 'corrected' && <Alert type="info" showIcon title={t('credit.desk.correctedHelp')} style={{ marginBottom: 16 }} />}
        <Form.Item name="statement" label={t('credit.desk.statement')} rules={[{ required: true, whitespace: true, message: t('credit.desk.statementRequired') }]}>
          <Input.TextArea rows={4} maxLength={2000} showCount placeholder={t('credit.desk.statementPlaceholder')} />
        </Form.Item>
      </Form>
      {refusal !== undefined && <Alert type="error" showIcon title={refusalText} data-testid="answer-refused" />}
    </Modal>
  );
}

/** The institution's dispute desk: objections to what it filed, most urgent first, each answered within 20 days. */
export function DisputeDeskPage() {
  const { t } = useTranslation();
  const [filter, setFilter] = useState<(typeof FILTERS)[number]>('all');
  const list = useRemote(() => api.get<{ items: DisputeView[] }>('/v1/institution/credit/disputes', { status: filter === 'all' ? undefined : filter }), filter);
  const [answering, setAnswering] = useState<DisputeView>();
  const [answered, setAnswered] = useState<Record<string, DisputeView>>({});
  const items = (list.data?.items ?? []).map((item) => answered[item.disputeId] ?? item);
  const open = (status: DisputeStatus) => status === 'open' || status === 'escalated';
  return (
    <>
      <PageTitle title={t('credit.desk.title')} subtitle={t('credit.desk.subtitle')} />
      {list.error !== undefined && <ErrorState error={list.error} onRetry={list.reload} />}
      <Card className="fh-card">
        <div className="fh-filters fh-scroll-x">
          <Segmented value={filter} onChange={(value) => setFilter(value)} options={FILTERS.map((f) => ({ value: f, label: f === 'all' ? t('credit.desk.all') : t(`credit.disputeStatus.${f}`) }))} data-testid="dispute-filter" />
        </div>
        <DisputeTable
          items={items}
          loading={list.loading}
          action={(row) =>
            open(row.status) ? (
              <Button type="link" size="small" onClick={() => setAnswering(row)} data-action="answer">
                {t('credit.desk.answer')}
              </Button>
            ) : null
          }
        />
      </Card>
      {answering && (
        <AnswerDialog
          dispute={answering}
          onClose={() => setAnswering(undefined)}
          onAnswered={(view) => {
            setAnswered((all) => ({ ...all, [view.disputeId]: view }));
            setAnswering(undefined);
          }}
        />
      )}
    </>
  );
}
