import { Alert, App, Button, Card, Drawer, Form, Input, Modal, Radio, Space, Segmented } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, describeError } from '../../api.js';
import { ErrorState } from '../../components/ErrorState.js';
import { PageTitle } from '../../components/PageTitle.js';
import { useRemote } from '../../components/useRemote.js';
import { ComplaintTable } from '../../complaints/ComplaintTable.js';
import { ComplaintFacts, ComplaintHistory, type ComplaintView } from '../../complaints/parts.js';

const FILTERS = ['open', 'late', 'all'] as const;
type Category = 'closed_with_explanation' | 'monetary_relief' | 'non_monetary_relief' | 'in_progress';

/** The answer: its kind, the text, and the amount of monetary relief. */
function AnswerDialog({ complaint, onClose, onDone }: { complaint: ComplaintView; onClose: () => void; onDone: (view: ComplaintView) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ category: Category; text: string; reliefYuan?: string }>();
  const category = Form.useWatch('category', form);
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<unknown>();
  const submit = async (values: { category: Category; text: string; reliefYuan?: string }) => {
    setBusy(true);
    setRefusal(undefined);
    try {
      const view = await api.post<ComplaintView>(`/v1/institution/complaints/${complaint.complaintId}/answer`, { category: values.category, text: values.text.trim(), ...(values.category === 'monetary_relief' ? { reliefYuan: values.reliefYuan?.trim() } : {}) });
      void message.success(t('complaints.desk.answered'));
      onDone(view);
    } catch (error) {
      setRefusal(error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open title={t('complaints.desk.answerTitle')} onCancel={onClose} okText={t('complaints.desk.send')} cancelText={t('common.cancel')} confirmLoading={busy} onOk={() => form.submit()} destroyOnHidden>
      <Form form={form} layout="vertical" requiredMark={false} initialValues={{ category: 'closed_with_explanation' }} onFinish={(values) => void submit(values)} data-testid="complaint-answer-form">
        <Form.Item name="category" label={t('complaints.desk.category')}>
          <Radio.Group options={(['closed_with_explanation', 'monetary_relief', 'non_monetary_relief', 'in_progress'] as const).map((c) => ({ value: c, label: t(`complaints.category.${c}`) }))} />
        </Form.Item>
        {category === 'monetary_relief' && (
          <Form.Item name="reliefYuan" label={t('complaints.desk.relief')} rules={[{ required: true, pattern: /^\d{1,12}(\.\d{1,2})?$/, message: t('complaints.desk.reliefRequired') }]}>
            <Input inputMode="decimal" prefix="¥" style={{ maxWidth: 240 }} data-testid="answer-relief" />
          </Form.Item>
        )}
        <Form.Item name="text" label={t('complaints.desk.text')} rules={[{ required: true, whitespace: true, message: t('complaints.desk.textRequired') }]}>
          <Input.TextArea rows={4} maxLength={4000} showCount data-testid="answer-text" />
        </Form.Item>
      </Form>
      {refusal !== undefined && <Alert type="error" showIcon title={describeError(refusal)} />}
    </Modal>
  );
}

/** A reason for an extension: the complex one, or the request for the further one. */
function ExtendDialog({ complaint, further, onClose, onDone }: { complaint: ComplaintView; further: boolean; onClose: () => void; onDone: (view: ComplaintView) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ reason: string }>();
  const [busy, setBusy] = useState(false);
  const submit = async ({ reason }: { reason: string }) => {
    setBusy(true);
    try {
      const view = await api.post<ComplaintView>(`/v1/institution/complaints/${complaint.complaintId}/${further ? 'further-extension' : 'extend'}`, { reason: reason.trim() });
      void message.success(further ? t('complaints.desk.requested') : t('complaints.desk.extended'));
      onDone(view);
    } catch (error) {
      void message.error(describeError(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open title={further ? t('complaints.desk.furtherTitle') : t('complaints.desk.extendTitle')} onCancel={onClose} okText={t('common.submit')} cancelText={t('common.cancel')} confirmLoading={busy} onOk={() => form.submit()} destroyOnHidden>
      <Form form={form} layout="vertical" requiredMark={false} onFinish={(values) => void submit(values)}>
        <Form.Item name="reason" label={t('complaints.desk.reason')} rules={[{ required: true, whitespace: true, message: t('complaints.desk.reasonRequired') }]}>
          <Input.TextArea rows={3} maxLength={1000} showCount />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** The institution's complaint desk: open complaints with their deadlines, the answer and the extensions. */
export function ComplaintDeskPage() {
  const { t } = useTranslation();
  const [filter, setFilter] = useState<(typeof FILTERS)[number]>('open');
  const list = useRemote(() => api.get<{ items: ComplaintView[] }>('/v1/institution/complaints', filter === 'late' ? { late: 'true' } : { pageSize: 200 }), filter);
  const [changed, setChanged] = useState<Record<string, ComplaintView>>({});
  const [answering, setAnswering] = useState<ComplaintView>();
  const [extending, setExtending] = useState<{ complaint: ComplaintView; further: boolean }>();
  const [open, setOpen] = useState<ComplaintView>();
  const waiting = (c: ComplaintView) => c.status === 'filed' || c.status === 'in_progress';
  const items = (list.data?.items ?? []).map((item) => changed[item.complaintId] ?? item).filter((item) => filter !== 'open' || waiting(item) || changed[item.complaintId]);
  const done = (view: ComplaintView) => {
    setChanged((all) => ({ ...all, [view.complaintId]: view }));
    setAnswering(undefined);
    setExtending(undefined);
  };
  return (
    <>
      <PageTitle title={t('complaints.desk.title')} subtitle={t('complaints.desk.subtitle')} />
      {list.error !== undefined && <ErrorState error={list.error} onRetry={list.reload} />}
      <Card className="fh-card">
        <div className="fh-filters fh-scroll-x">
          <Segmented value={filter} onChange={(value) => setFilter(value)} options={FILTERS.map((f) => ({ value: f, label: t(`complaints.desk.${f === 'late' ? 'lateOnly' : f}`) }))} data-testid="complaint-filter" />
        </div>
        <ComplaintTable
          items={items}
          loading={list.loading}
          onOpen={setOpen}
          action={(row) =>
            waiting(row) ? (
              <Space size={0} wrap>
                <Button type="link" size="small" onClick={() => setAnswering(row)} data-action="answer">
                  {t('complaints.desk.answer')}
                </Button>
                {row.deadline.extension === 'none' && (
                  <Button type="link" size="small" onClick={() => setExtending({ complaint: row, further: false })} data-action="extend">
                    {t('complaints.desk.extend')}
                  </Button>
                )}
                {row.deadline.extension === 'complex' && (
                  <Button type="link" size="small" onClick={() => setExtending({ complaint: row, further: true })} data-action="further">
                    {t('complaints.desk.further')}
                  </Button>
                )}
              </Space>
            ) : null
          }
        />
      </Card>
      {answering && <AnswerDialog complaint={answering} onClose={() => setAnswering(undefined)} onDone={done} />}
      {extending && <ExtendDialog complaint={extending.complaint} further={extending.further} onClose={() => setExtending(undefined)} onDone={done} />}
      <ComplaintDrawer complaintId={open?.complaintId} path="/v1/institution/complaints" onClose={() => setOpen(undefined)} />
    </>
  );
}

/** One complaint with its history, in a drawer over the list. */
export function ComplaintDrawer({ complaintId, path, onClose, showJurisdiction }: { complaintId: string | undefined; path: string; onClose: () => void; showJurisdiction?: boolean }) {
  const { t } = useTranslation();
  const detail = useRemote(() => (complaintId ? api.get<ComplaintView>(`${path}/${complaintId}`) : Promise.resolve(undefined)), complaintId ?? '');
  return (
    <Drawer open={complaintId !== undefined} onClose={onClose} title={t('complaints.mine.detail')} size="large" styles={{ wrapper: { maxWidth: '100vw' } }} data-testid="complaint-drawer">
      {detail.data && (
        <>
          <ComplaintFacts complaint={detail.data} showJurisdiction={showJurisdiction} />
          <div style={{ marginTop: 24 }}>
            <ComplaintHistory complaint={detail.data} />
          </div>
        </>
      )}
    </Drawer>
  );
}
